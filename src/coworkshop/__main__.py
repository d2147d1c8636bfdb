from coworkshop.cli import main

main()
