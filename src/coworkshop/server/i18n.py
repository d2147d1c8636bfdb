"""Every text of the participants' page, one dict per language.

The poll texts come from the session's template, in its language; this file
holds the page's own words. English is complete and the fallback for any
missing key or language. Keep the keys in step with ``static/app.js``.
"""

from __future__ import annotations

EN: dict[str, str] = {
    "title": "Live voting",
    "join_heading": "Join the workshop",
    "code": "Join code",
    "code_hint": "The 6 digits shown on the screen",
    "group": "I am here as",
    "name": "Name (optional)",
    "name_hint": "Leave empty to stay anonymous",
    "join": "Join",
    "joining": "Joining...",
    "waiting": "Waiting for the facilitator to open a question...",
    "send": "Send",
    "change": "Change my answer",
    "sending": "Sending...",
    "received": "Received. You can change your answer until the poll closes.",
    "not_sent": "Not sent. Check the Wi-Fi and tap Send again.",
    "closed": "This poll is closed.",
    "late": "Too late: the poll closed before your answer arrived, so it was not counted.",
    "choose_up_to": "Choose up to {n}",
    "rank_hint": "Put the options in order, most important first.",
    "up": "Move up",
    "down": "Move down",
    "chars_left": "{n} characters left",
    "post": "Post",
    "posted": "Posted. Thank you!",
    "upvote": "Upvote",
    "answered": "Answered",
    "highlighted": "Now discussed",
    "qa_hint": "Post a question or an idea, and upvote those you share.",
    "no_items": "Nothing posted yet.",
    "results": "Results",
    "respondents": "{n} answered",
    "offline": "Connection lost, reconnecting...",
    "slow_down": "Too many requests: wait a moment.",
    "joined_as": "Joined as {group}",
    "leave": "Not you? Join again",
    "error": "Something went wrong.",
}

ES: dict[str, str] = {
    "title": "Votación en directo",
    "join_heading": "Únete al taller",
    "code": "Código",
    "code_hint": "Los 6 dígitos que aparecen en la pantalla",
    "group": "Participo como",
    "name": "Nombre (opcional)",
    "name_hint": "Déjalo vacío para participar de forma anónima",
    "join": "Entrar",
    "joining": "Entrando...",
    "waiting": "Esperando a que se abra una pregunta...",
    "send": "Enviar",
    "change": "Cambiar mi respuesta",
    "sending": "Enviando...",
    "received": "Recibido. Puedes cambiar tu respuesta hasta que se cierre la votación.",
    "not_sent": "No enviado. Comprueba la wifi y vuelve a pulsar Enviar.",
    "closed": "Esta votación está cerrada.",
    "late": "Demasiado tarde: la votación se cerró antes de que llegara tu respuesta; "
            "no se ha contado.",
    "choose_up_to": "Elige hasta {n}",
    "rank_hint": "Ordena las opciones, la más importante primero.",
    "up": "Subir",
    "down": "Bajar",
    "chars_left": "Quedan {n} caracteres",
    "post": "Publicar",
    "posted": "Publicado. ¡Gracias!",
    "upvote": "Apoyar",
    "answered": "Respondida",
    "highlighted": "En debate",
    "qa_hint": "Publica una pregunta o una idea y apoya las que compartes.",
    "no_items": "Todavía no hay nada publicado.",
    "results": "Resultados",
    "respondents": "{n} respuestas",
    "offline": "Conexión perdida, reconectando...",
    "slow_down": "Demasiadas peticiones: espera un momento.",
    "joined_as": "Participas como {group}",
    "leave": "¿No eres tú? Vuelve a entrar",
    "error": "Algo ha fallado.",
}

IT: dict[str, str] = {
    "title": "Votazione dal vivo",
    "join_heading": "Partecipa al workshop",
    "code": "Codice",
    "code_hint": "Le 6 cifre mostrate sullo schermo",
    "group": "Partecipo come",
    "name": "Nome (facoltativo)",
    "name_hint": "Lascia vuoto per restare anonimo",
    "join": "Entra",
    "joining": "Accesso...",
    "waiting": "In attesa che venga aperta una domanda...",
    "send": "Invia",
    "change": "Cambia la mia risposta",
    "sending": "Invio...",
    "received": "Ricevuto. Puoi cambiare la risposta finché la votazione è aperta.",
    "not_sent": "Non inviato. Controlla il Wi-Fi e premi di nuovo Invia.",
    "closed": "Questa votazione è chiusa.",
    "late": "Troppo tardi: la votazione si è chiusa prima che arrivasse la tua risposta, "
            "che non è stata contata.",
    "choose_up_to": "Scegli fino a {n}",
    "rank_hint": "Metti le opzioni in ordine, la più importante per prima.",
    "up": "Su",
    "down": "Giù",
    "chars_left": "{n} caratteri rimasti",
    "post": "Pubblica",
    "posted": "Pubblicato. Grazie!",
    "upvote": "Sostieni",
    "answered": "Risposta data",
    "highlighted": "In discussione",
    "qa_hint": "Pubblica una domanda o un'idea e sostieni quelle che condividi.",
    "no_items": "Ancora niente.",
    "results": "Risultati",
    "respondents": "{n} risposte",
    "offline": "Connessione persa, riconnessione...",
    "slow_down": "Troppe richieste: attendi un momento.",
    "joined_as": "Partecipi come {group}",
    "leave": "Non sei tu? Entra di nuovo",
    "error": "Qualcosa è andato storto.",
}

LANGUAGES: dict[str, dict[str, str]] = {"en": EN, "es": ES, "it": IT}


def texts(language: str) -> dict[str, str]:
    """The page's texts in ``language`` (``fi``, ``es-ES``...), English where missing."""
    base = (language or "en").split("-")[0].lower()
    return {**EN, **LANGUAGES.get(base, {})}
