from coworkshop.launch import main

main()
