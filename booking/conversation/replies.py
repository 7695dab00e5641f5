"""What the bot says, in its seven languages, and localized dates (CLDR data through Babel).

The bot's copy lives here as plain Python next to the vocabulary it answers to, rather than in
gettext catalogues: every reply must exist in all seven languages (a test checks it) and the
texts change together with the conversation flow, with no compile step.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from booking.models import LANGUAGES

#: Date patterns per language (Babel/CLDR pattern syntax; names come from CLDR).
DATE_PATTERNS = {
    "en": "EEEE, MMMM d",
    "es": "EEEE d 'de' MMMM",
    "ca": "EEEE d MMMM",
    "fr": "EEEE d MMMM",
    "pt": "EEEE, d 'de' MMMM",
    "de": "EEEE, d. MMMM",
    "it": "EEEE d MMMM",
}

REPLIES: dict[str, dict[str, str]] = {
    "greeting": {
        "en": "Hello! I'm the virtual assistant of {clinic}. I can book, reschedule or cancel an appointment, or answer questions about the clinic. How can I help you?",
        "es": "¡Hola! Soy el asistente virtual de {clinic}. Puedo reservar, cambiar o cancelar una cita, o responder preguntas sobre la clínica. ¿En qué puedo ayudarte?",
        "ca": "Hola! Sóc l'assistent virtual de {clinic}. Puc reservar, canviar o cancel·lar una cita, o respondre preguntes sobre la clínica. En què et puc ajudar?",
        "fr": "Bonjour ! Je suis l'assistant virtuel de {clinic}. Je peux prendre, déplacer ou annuler un rendez-vous, ou répondre à vos questions sur la clinique. Comment puis-je vous aider ?",
        "pt": "Olá! Sou o assistente virtual de {clinic}. Posso marcar, alterar ou cancelar uma consulta, ou responder a perguntas sobre a clínica. Como posso ajudar?",
        "de": "Hallo! Ich bin der virtuelle Assistent von {clinic}. Ich kann Termine buchen, verschieben oder absagen und Fragen zur Praxis beantworten. Wie kann ich helfen?",
        "it": "Ciao! Sono l'assistente virtuale di {clinic}. Posso prenotare, spostare o cancellare un appuntamento, o rispondere a domande sulla clinica. Come posso aiutarti?",
    },
    "help": {
        "en": "Sorry, I didn't understand that. I can book, reschedule or cancel an appointment, or tell you our opening hours and services. What would you like to do?",
        "es": "Perdona, no te he entendido. Puedo reservar, cambiar o cancelar una cita, o darte nuestro horario y servicios. ¿Qué quieres hacer?",
        "ca": "Perdona, no t'he entès. Puc reservar, canviar o cancel·lar una cita, o donar-te el nostre horari i serveis. Què vols fer?",
        "fr": "Désolé, je n'ai pas compris. Je peux prendre, déplacer ou annuler un rendez-vous, ou vous donner nos horaires et nos services. Que souhaitez-vous faire ?",
        "pt": "Desculpe, não percebi. Posso marcar, alterar ou cancelar uma consulta, ou indicar o nosso horário e serviços. O que deseja fazer?",
        "de": "Entschuldigung, das habe ich nicht verstanden. Ich kann Termine buchen, verschieben oder absagen oder Ihnen unsere Öffnungszeiten und Leistungen nennen. Was möchten Sie tun?",
        "it": "Scusa, non ho capito. Posso prenotare, spostare o cancellare un appuntamento, o dirti i nostri orari e servizi. Cosa vuoi fare?",
    },
    "media_unsupported": {
        "en": "Sorry, I can only read text messages. Please write your request.",
        "es": "Lo siento, solo puedo leer mensajes de texto. Por favor, escribe tu consulta.",
        "ca": "Ho sento, només puc llegir missatges de text. Si us plau, escriu la teva consulta.",
        "fr": "Désolé, je ne peux lire que les messages texte. Merci d'écrire votre demande.",
        "pt": "Desculpe, só consigo ler mensagens de texto. Por favor, escreva o seu pedido.",
        "de": "Entschuldigung, ich kann nur Textnachrichten lesen. Bitte schreiben Sie Ihr Anliegen.",
        "it": "Mi dispiace, posso leggere solo messaggi di testo. Per favore, scrivi la tua richiesta.",
    },
    "sender_unsupported": {
        "en": "Sorry, we can't handle messages from this number here. Please contact the clinic by phone.",
        "es": "Lo siento, no podemos atender mensajes de este número por aquí. Por favor, contacta con la clínica por teléfono.",
        "ca": "Ho sento, no podem atendre missatges d'aquest número per aquí. Si us plau, contacta amb la clínica per telèfon.",
        "fr": "Désolé, nous ne pouvons pas traiter les messages de ce numéro ici. Merci de contacter la clinique par téléphone.",
        "pt": "Desculpe, não conseguimos tratar mensagens deste número por aqui. Por favor, contacte a clínica por telefone.",
        "de": "Entschuldigung, Nachrichten von dieser Nummer können wir hier nicht bearbeiten. Bitte rufen Sie die Praxis an.",
        "it": "Mi dispiace, non possiamo gestire qui i messaggi da questo numero. Per favore, contatta la clinica per telefono.",
    },
    "ask_date": {
        "en": "Which day would you like to come? For example: “tomorrow afternoon” or “Tuesday at 10”.",
        "es": "¿Qué día te gustaría venir? Por ejemplo: «mañana por la tarde» o «el martes a las 10».",
        "ca": "Quin dia t'aniria bé venir? Per exemple: «demà a la tarda» o «dimarts a les 10».",
        "fr": "Quel jour souhaitez-vous venir ? Par exemple : « demain après-midi » ou « mardi à 10h ».",
        "pt": "Em que dia gostaria de vir? Por exemplo: «amanhã à tarde» ou «terça-feira às 10».",
        "de": "An welchem Tag möchten Sie kommen? Zum Beispiel: „morgen Nachmittag“ oder „Dienstag um 10 Uhr“.",
        "it": "In che giorno vorresti venire? Per esempio: «domani pomeriggio» o «martedì alle 10».",
    },
    "date_not_understood": {
        "en": "Sorry, I didn't understand the day. Which day would you like? For example: “tomorrow” or “Friday at 10”.",
        "es": "Perdona, no he entendido el día. ¿Qué día prefieres? Por ejemplo: «mañana» o «el viernes a las 10».",
        "ca": "Perdona, no he entès el dia. Quin dia prefereixes? Per exemple: «demà» o «divendres a les 10».",
        "fr": "Désolé, je n'ai pas compris le jour. Quel jour préférez-vous ? Par exemple : « demain » ou « vendredi à 10h ».",
        "pt": "Desculpe, não percebi o dia. Que dia prefere? Por exemplo: «amanhã» ou «sexta-feira às 10».",
        "de": "Entschuldigung, den Tag habe ich nicht verstanden. Welcher Tag passt Ihnen? Zum Beispiel: „morgen“ oder „Freitag um 10 Uhr“.",
        "it": "Scusa, non ho capito il giorno. Che giorno preferisci? Per esempio: «domani» o «venerdì alle 10».",
    },
    "date_in_past": {
        "en": "That day has already passed. Which day would you like to come?",
        "es": "Ese día ya ha pasado. ¿Qué día te gustaría venir?",
        "ca": "Aquest dia ja ha passat. Quin dia t'aniria bé venir?",
        "fr": "Ce jour est déjà passé. Quel jour souhaitez-vous venir ?",
        "pt": "Esse dia já passou. Em que dia gostaria de vir?",
        "de": "Dieser Tag ist schon vorbei. An welchem Tag möchten Sie kommen?",
        "it": "Quel giorno è già passato. In che giorno vorresti venire?",
    },
    "slots_intro": {
        "en": "These are the available times on {date}:",
        "es": "Estas son las horas disponibles el {date}:",
        "ca": "Aquestes són les hores disponibles el {date}:",
        "fr": "Voici les horaires disponibles le {date} :",
        "pt": "Estes são os horários disponíveis em {date}:",
        "de": "Das sind die freien Termine am {date}:",
        "it": "Questi sono gli orari disponibili {date}:",
    },
    "slots_next_day": {
        "en": "There are no free times on {requested}. The next available day is {date}:",
        "es": "No hay horas libres el {requested}. El próximo día disponible es el {date}:",
        "ca": "No hi ha hores lliures el {requested}. El proper dia disponible és el {date}:",
        "fr": "Il n'y a pas de créneau libre le {requested}. Le prochain jour disponible est le {date} :",
        "pt": "Não há horários livres em {requested}. O próximo dia disponível é {date}:",
        "de": "Am {requested} sind keine Termine frei. Der nächste freie Tag ist {date}:",
        "it": "Non ci sono orari liberi {requested}. Il primo giorno disponibile è {date}:",
    },
    "slots_choose": {
        "en": "Reply with the number of the option you prefer.",
        "es": "Responde con el número de la opción que prefieras.",
        "ca": "Respon amb el número de l'opció que prefereixis.",
        "fr": "Répondez avec le numéro de l'option de votre choix.",
        "pt": "Responda com o número da opção que preferir.",
        "de": "Antworten Sie mit der Nummer der gewünschten Option.",
        "it": "Rispondi con il numero dell'opzione che preferisci.",
    },
    "no_slots": {
        "en": "Sorry, there are no free times between {start} and {end}. Please tell me another day, or call the clinic.",
        "es": "Lo siento, no hay horas libres entre el {start} y el {end}. Dime otro día o llama a la clínica.",
        "ca": "Ho sento, no hi ha hores lliures entre el {start} i el {end}. Digues-me un altre dia o truca a la clínica.",
        "fr": "Désolé, il n'y a aucun créneau libre entre le {start} et le {end}. Indiquez-moi un autre jour ou appelez la clinique.",
        "pt": "Desculpe, não há horários livres entre {start} e {end}. Indique outro dia ou ligue para a clínica.",
        "de": "Leider gibt es zwischen {start} und {end} keine freien Termine. Nennen Sie mir bitte einen anderen Tag oder rufen Sie die Praxis an.",
        "it": "Mi dispiace, non ci sono orari liberi tra {start} e {end}. Indicami un altro giorno o chiama la clinica.",
    },
    "slots_unavailable": {
        "en": "Sorry, I can't check the schedule right now. Please try again in a few minutes.",
        "es": "Lo siento, ahora mismo no puedo consultar la agenda. Por favor, inténtalo de nuevo en unos minutos.",
        "ca": "Ho sento, ara mateix no puc consultar l'agenda. Torna-ho a provar d'aquí a uns minuts.",
        "fr": "Désolé, je ne peux pas consulter l'agenda pour le moment. Merci de réessayer dans quelques minutes.",
        "pt": "Desculpe, neste momento não consigo consultar a agenda. Tente novamente dentro de alguns minutos.",
        "de": "Entschuldigung, ich kann den Kalender gerade nicht abrufen. Bitte versuchen Sie es in ein paar Minuten noch einmal.",
        "it": "Mi dispiace, in questo momento non riesco a consultare l'agenda. Riprova tra qualche minuto.",
    },
    "choice_not_understood": {
        "en": "Please reply with the number of one of the options (1 to {n}), or tell me another day.",
        "es": "Por favor, responde con el número de una de las opciones (del 1 al {n}) o dime otro día.",
        "ca": "Si us plau, respon amb el número d'una de les opcions (de l'1 al {n}) o digues-me un altre dia.",
        "fr": "Merci de répondre avec le numéro d'une des options (de 1 à {n}) ou de m'indiquer un autre jour.",
        "pt": "Por favor, responda com o número de uma das opções (de 1 a {n}) ou indique outro dia.",
        "de": "Bitte antworten Sie mit der Nummer einer Option (1 bis {n}) oder nennen Sie einen anderen Tag.",
        "it": "Per favore, rispondi con il numero di una delle opzioni (da 1 a {n}) o indicami un altro giorno.",
    },
    "slot_taken": {
        "en": "Sorry, that time has just been taken by someone else.",
        "es": "Lo siento, esa hora la acaba de reservar otra persona.",
        "ca": "Ho sento, aquesta hora l'acaba de reservar una altra persona.",
        "fr": "Désolé, ce créneau vient d'être réservé par quelqu'un d'autre.",
        "pt": "Desculpe, esse horário acabou de ser reservado por outra pessoa.",
        "de": "Entschuldigung, dieser Termin wurde gerade von jemand anderem gebucht.",
        "it": "Mi dispiace, quell'orario è appena stato prenotato da un'altra persona.",
    },
    "ask_name": {
        "en": "Great: {date} at {time} with {provider}. What is the patient's full name?",
        "es": "Perfecto: {date} a las {time} con {provider}. ¿Cuál es el nombre completo del paciente?",
        "ca": "Perfecte: {date} a les {time} amb {provider}. Quin és el nom complet del pacient?",
        "fr": "Parfait : {date} à {time} avec {provider}. Quel est le nom complet du patient ?",
        "pt": "Ótimo: {date} às {time} com {provider}. Qual é o nome completo do paciente?",
        "de": "Sehr gut: {date} um {time} bei {provider}. Wie lautet der vollständige Name des Patienten?",
        "it": "Perfetto: {date} alle {time} con {provider}. Qual è il nome completo del paziente?",
    },
    "ask_name_suggest": {
        "en": "Great: {date} at {time} with {provider}. Is the appointment for {name}? Reply “yes”, or write the patient's full name.",
        "es": "Perfecto: {date} a las {time} con {provider}. ¿La cita es para {name}? Responde «sí» o escribe el nombre completo del paciente.",
        "ca": "Perfecte: {date} a les {time} amb {provider}. La cita és per a {name}? Respon «sí» o escriu el nom complet del pacient.",
        "fr": "Parfait : {date} à {time} avec {provider}. Le rendez-vous est-il pour {name} ? Répondez « oui » ou écrivez le nom complet du patient.",
        "pt": "Ótimo: {date} às {time} com {provider}. A consulta é para {name}? Responda «sim» ou escreva o nome completo do paciente.",
        "de": "Sehr gut: {date} um {time} bei {provider}. Ist der Termin für {name}? Antworten Sie mit „ja“ oder schreiben Sie den vollständigen Namen des Patienten.",
        "it": "Perfetto: {date} alle {time} con {provider}. L'appuntamento è per {name}? Rispondi «sì» o scrivi il nome completo del paziente.",
    },
    "name_invalid": {
        "en": "Please write the patient's full name (first name and surname).",
        "es": "Por favor, escribe el nombre completo del paciente (nombre y apellido).",
        "ca": "Si us plau, escriu el nom complet del pacient (nom i cognom).",
        "fr": "Merci d'écrire le nom complet du patient (prénom et nom).",
        "pt": "Por favor, escreva o nome completo do paciente (nome e apelido).",
        "de": "Bitte schreiben Sie den vollständigen Namen des Patienten (Vor- und Nachname).",
        "it": "Per favore, scrivi il nome completo del paziente (nome e cognome).",
    },
    "confirm_booking": {
        "en": "Please confirm: appointment for {name} on {date} at {time} with {provider}. Is that correct? (yes/no)",
        "es": "Por favor, confirma: cita para {name} el {date} a las {time} con {provider}. ¿Es correcto? (sí/no)",
        "ca": "Si us plau, confirma: cita per a {name} el {date} a les {time} amb {provider}. És correcte? (sí/no)",
        "fr": "Merci de confirmer : rendez-vous pour {name} le {date} à {time} avec {provider}. Est-ce correct ? (oui/non)",
        "pt": "Por favor, confirme: consulta para {name} em {date} às {time} com {provider}. Está correto? (sim/não)",
        "de": "Bitte bestätigen Sie: Termin für {name} am {date} um {time} bei {provider}. Ist das richtig? (ja/nein)",
        "it": "Per favore, conferma: appuntamento per {name} {date} alle {time} con {provider}. È corretto? (sì/no)",
    },
    "yes_no": {
        "en": "Please answer yes or no.",
        "es": "Por favor, responde sí o no.",
        "ca": "Si us plau, respon sí o no.",
        "fr": "Merci de répondre par oui ou par non.",
        "pt": "Por favor, responda sim ou não.",
        "de": "Bitte antworten Sie mit ja oder nein.",
        "it": "Per favore, rispondi sì o no.",
    },
    "booked": {
        "en": "Thank you! Your appointment request for {date} at {time} with {provider} has been sent to the clinic. We'll message you as soon as it is confirmed.",
        "es": "¡Gracias! Tu solicitud de cita para el {date} a las {time} con {provider} se ha enviado a la clínica. Te escribiremos en cuanto esté confirmada.",
        "ca": "Gràcies! La teva sol·licitud de cita per al {date} a les {time} amb {provider} s'ha enviat a la clínica. T'escriurem quan estigui confirmada.",
        "fr": "Merci ! Votre demande de rendez-vous pour le {date} à {time} avec {provider} a été envoyée à la clinique. Nous vous écrirons dès qu'elle sera confirmée.",
        "pt": "Obrigado! O seu pedido de consulta para {date} às {time} com {provider} foi enviado para a clínica. Enviaremos uma mensagem assim que for confirmado.",
        "de": "Vielen Dank! Ihre Terminanfrage für {date} um {time} bei {provider} wurde an die Praxis gesendet. Wir melden uns, sobald sie bestätigt ist.",
        "it": "Grazie! La tua richiesta di appuntamento per {date} alle {time} con {provider} è stata inviata alla clinica. Ti scriveremo appena sarà confermata.",
    },
    "rescheduled": {
        "en": "Thank you! Your request to move your appointment to {date} at {time} with {provider} has been sent to the clinic. We'll message you as soon as it is confirmed.",
        "es": "¡Gracias! Tu solicitud para cambiar la cita al {date} a las {time} con {provider} se ha enviado a la clínica. Te escribiremos en cuanto esté confirmada.",
        "ca": "Gràcies! La teva sol·licitud per canviar la cita al {date} a les {time} amb {provider} s'ha enviat a la clínica. T'escriurem quan estigui confirmada.",
        "fr": "Merci ! Votre demande de déplacement du rendez-vous au {date} à {time} avec {provider} a été envoyée à la clinique. Nous vous écrirons dès qu'elle sera confirmée.",
        "pt": "Obrigado! O seu pedido para mudar a consulta para {date} às {time} com {provider} foi enviado para a clínica. Enviaremos uma mensagem assim que for confirmado.",
        "de": "Vielen Dank! Ihre Anfrage, den Termin auf {date} um {time} bei {provider} zu verschieben, wurde an die Praxis gesendet. Wir melden uns, sobald sie bestätigt ist.",
        "it": "Grazie! La tua richiesta di spostare l'appuntamento a {date} alle {time} con {provider} è stata inviata alla clinica. Ti scriveremo appena sarà confermata.",
    },
    "flow_stopped": {
        "en": "All right, I've stopped. Is there anything else I can help you with?",
        "es": "De acuerdo, lo dejamos aquí. ¿Puedo ayudarte en algo más?",
        "ca": "D'acord, ho deixem aquí. Et puc ajudar en alguna cosa més?",
        "fr": "D'accord, on s'arrête là. Puis-je vous aider pour autre chose ?",
        "pt": "Muito bem, ficamos por aqui. Posso ajudar em mais alguma coisa?",
        "de": "In Ordnung, ich habe abgebrochen. Kann ich sonst noch etwas für Sie tun?",
        "it": "D'accordo, ci fermiamo qui. Posso aiutarti in qualcos'altro?",
    },
    "no_bookings": {
        "en": "I couldn't find any upcoming appointments for this number. Would you like to book one?",
        "es": "No he encontrado ninguna cita próxima para este número. ¿Quieres reservar una?",
        "ca": "No he trobat cap cita propera per a aquest número. Vols reservar-ne una?",
        "fr": "Je n'ai trouvé aucun rendez-vous à venir pour ce numéro. Souhaitez-vous en prendre un ?",
        "pt": "Não encontrei nenhuma consulta marcada para este número. Deseja marcar uma?",
        "de": "Ich habe für diese Nummer keine anstehenden Termine gefunden. Möchten Sie einen buchen?",
        "it": "Non ho trovato appuntamenti in programma per questo numero. Vuoi prenotarne uno?",
    },
    "choose_booking": {
        "en": "Which appointment? Reply with its number:",
        "es": "¿Qué cita? Responde con su número:",
        "ca": "Quina cita? Respon amb el seu número:",
        "fr": "Quel rendez-vous ? Répondez avec son numéro :",
        "pt": "Qual consulta? Responda com o número:",
        "de": "Welcher Termin? Antworten Sie mit der Nummer:",
        "it": "Quale appuntamento? Rispondi con il numero:",
    },
    "confirm_cancel": {
        "en": "Do you want to cancel your appointment on {date} at {time} with {provider}? (yes/no)",
        "es": "¿Quieres cancelar tu cita del {date} a las {time} con {provider}? (sí/no)",
        "ca": "Vols cancel·lar la teva cita del {date} a les {time} amb {provider}? (sí/no)",
        "fr": "Voulez-vous annuler votre rendez-vous du {date} à {time} avec {provider} ? (oui/non)",
        "pt": "Deseja cancelar a sua consulta de {date} às {time} com {provider}? (sim/não)",
        "de": "Möchten Sie Ihren Termin am {date} um {time} bei {provider} absagen? (ja/nein)",
        "it": "Vuoi cancellare il tuo appuntamento di {date} alle {time} con {provider}? (sì/no)",
    },
    "cancelled": {
        "en": "Your appointment on {date} at {time} with {provider} has been cancelled. The clinic has been informed.",
        "es": "Tu cita del {date} a las {time} con {provider} ha sido cancelada. Hemos avisado a la clínica.",
        "ca": "La teva cita del {date} a les {time} amb {provider} s'ha cancel·lat. Hem avisat la clínica.",
        "fr": "Votre rendez-vous du {date} à {time} avec {provider} a été annulé. La clinique a été prévenue.",
        "pt": "A sua consulta de {date} às {time} com {provider} foi cancelada. A clínica foi informada.",
        "de": "Ihr Termin am {date} um {time} bei {provider} wurde abgesagt. Die Praxis wurde informiert.",
        "it": "Il tuo appuntamento di {date} alle {time} con {provider} è stato cancellato. La clinica è stata avvisata.",
    },
    "cancel_kept": {
        "en": "All right, your appointment stays as it is.",
        "es": "De acuerdo, tu cita se mantiene.",
        "ca": "D'acord, la teva cita es manté.",
        "fr": "D'accord, votre rendez-vous est maintenu.",
        "pt": "Muito bem, a sua consulta mantém-se.",
        "de": "In Ordnung, Ihr Termin bleibt bestehen.",
        "it": "D'accordo, il tuo appuntamento resta invariato.",
    },
    "reschedule_which_day": {
        "en": "Let's move your appointment on {date} at {time} with {provider}. Which day would you prefer instead?",
        "es": "Vamos a cambiar tu cita del {date} a las {time} con {provider}. ¿Qué día prefieres?",
        "ca": "Canviem la teva cita del {date} a les {time} amb {provider}. Quin dia prefereixes?",
        "fr": "Déplaçons votre rendez-vous du {date} à {time} avec {provider}. Quel jour préférez-vous ?",
        "pt": "Vamos mudar a sua consulta de {date} às {time} com {provider}. Que dia prefere?",
        "de": "Wir verschieben Ihren Termin am {date} um {time} bei {provider}. Welcher Tag wäre Ihnen lieber?",
        "it": "Spostiamo il tuo appuntamento di {date} alle {time} con {provider}. Che giorno preferisci?",
    },
    "hours": {
        "en": "Our opening hours:\n{hours}",
        "es": "Nuestro horario:\n{hours}",
        "ca": "El nostre horari:\n{hours}",
        "fr": "Nos horaires :\n{hours}",
        "pt": "O nosso horário:\n{hours}",
        "de": "Unsere Öffnungszeiten:\n{hours}",
        "it": "I nostri orari:\n{hours}",
    },
    "hours_unknown": {
        "en": "I don't have the opening hours at hand. Please contact the clinic.",
        "es": "No tengo el horario a mano. Por favor, contacta con la clínica.",
        "ca": "No tinc l'horari a mà. Si us plau, contacta amb la clínica.",
        "fr": "Je n'ai pas les horaires sous la main. Merci de contacter la clinique.",
        "pt": "Não tenho o horário disponível. Por favor, contacte a clínica.",
        "de": "Die Öffnungszeiten liegen mir nicht vor. Bitte wenden Sie sich an die Praxis.",
        "it": "Non ho gli orari a disposizione. Per favore, contatta la clinica.",
    },
    "services": {
        "en": "We offer: {services}.",
        "es": "Ofrecemos: {services}.",
        "ca": "Oferim: {services}.",
        "fr": "Nous proposons : {services}.",
        "pt": "Oferecemos: {services}.",
        "de": "Wir bieten an: {services}.",
        "it": "Offriamo: {services}.",
    },
    "services_unknown": {
        "en": "I don't have the list of services at hand. Please contact the clinic.",
        "es": "No tengo la lista de servicios a mano. Por favor, contacta con la clínica.",
        "ca": "No tinc la llista de serveis a mà. Si us plau, contacta amb la clínica.",
        "fr": "Je n'ai pas la liste des services sous la main. Merci de contacter la clinique.",
        "pt": "Não tenho a lista de serviços disponível. Por favor, contacte a clínica.",
        "de": "Die Liste der Leistungen liegt mir nicht vor. Bitte wenden Sie sich an die Praxis.",
        "it": "Non ho l'elenco dei servizi a disposizione. Per favore, contatta la clinica.",
    },
    "closed": {"en": "closed", "es": "cerrado", "ca": "tancat", "fr": "fermé", "pt": "fechado", "de": "geschlossen",
               "it": "chiuso"},
    "thanks": {
        "en": "You're welcome! Is there anything else I can help you with?",
        "es": "¡De nada! ¿Puedo ayudarte en algo más?",
        "ca": "De res! Et puc ajudar en alguna cosa més?",
        "fr": "Avec plaisir ! Puis-je vous aider pour autre chose ?",
        "pt": "De nada! Posso ajudar em mais alguma coisa?",
        "de": "Gern geschehen! Kann ich sonst noch etwas für Sie tun?",
        "it": "Prego! Posso aiutarti in qualcos'altro?",
    },
    "how_are_you": {
        "en": "I'm fine, thank you! How can I help you?",
        "es": "¡Muy bien, gracias! ¿En qué puedo ayudarte?",
        "ca": "Molt bé, gràcies! En què et puc ajudar?",
        "fr": "Très bien, merci ! Comment puis-je vous aider ?",
        "pt": "Estou bem, obrigado! Como posso ajudar?",
        "de": "Danke, mir geht es gut! Wie kann ich Ihnen helfen?",
        "it": "Sto bene, grazie! Come posso aiutarti?",
    },
    "bye": {
        "en": "Goodbye! Take care.",
        "es": "¡Hasta pronto! Cuídate.",
        "ca": "Fins aviat! Cuida't.",
        "fr": "Au revoir ! Prenez soin de vous.",
        "pt": "Até breve! Cuide-se.",
        "de": "Auf Wiedersehen! Alles Gute.",
        "it": "Arrivederci! A presto.",
    },
    "booking_confirmed": {
        "en": "Good news! Your appointment on {date} at {time} with {provider} is confirmed.",
        "es": "¡Buenas noticias! Tu cita del {date} a las {time} con {provider} está confirmada.",
        "ca": "Bones notícies! La teva cita del {date} a les {time} amb {provider} està confirmada.",
        "fr": "Bonne nouvelle ! Votre rendez-vous du {date} à {time} avec {provider} est confirmé.",
        "pt": "Boas notícias! A sua consulta de {date} às {time} com {provider} está confirmada.",
        "de": "Gute Nachrichten! Ihr Termin am {date} um {time} bei {provider} ist bestätigt.",
        "it": "Buone notizie! Il tuo appuntamento di {date} alle {time} con {provider} è confermato.",
    },
    "booking_rejected": {
        "en": "Sorry, the clinic could not confirm your appointment on {date} at {time} with {provider}. Write to us if you would like another time.",
        "es": "Lo siento, la clínica no ha podido confirmar tu cita del {date} a las {time} con {provider}. Escríbenos si quieres otra hora.",
        "ca": "Ho sento, la clínica no ha pogut confirmar la teva cita del {date} a les {time} amb {provider}. Escriu-nos si vols una altra hora.",
        "fr": "Désolé, la clinique n'a pas pu confirmer votre rendez-vous du {date} à {time} avec {provider}. Écrivez-nous si vous souhaitez un autre horaire.",
        "pt": "Desculpe, a clínica não conseguiu confirmar a sua consulta de {date} às {time} com {provider}. Escreva-nos se quiser outro horário.",
        "de": "Leider konnte die Praxis Ihren Termin am {date} um {time} bei {provider} nicht bestätigen. Schreiben Sie uns, wenn Sie einen anderen Termin möchten.",
        "it": "Mi dispiace, la clinica non ha potuto confermare il tuo appuntamento di {date} alle {time} con {provider}. Scrivici se desideri un altro orario.",
    },
    "clinic_note": {
        "en": "Message from the clinic: {note}",
        "es": "Mensaje de la clínica: {note}",
        "ca": "Missatge de la clínica: {note}",
        "fr": "Message de la clinique : {note}",
        "pt": "Mensagem da clínica: {note}",
        "de": "Nachricht der Praxis: {note}",
        "it": "Messaggio dalla clinica: {note}",
    },
    "error": {
        "en": "Sorry, something went wrong on our side. Please try again in a few minutes.",
        "es": "Lo siento, algo ha fallado por nuestra parte. Por favor, inténtalo de nuevo en unos minutos.",
        "ca": "Ho sento, alguna cosa ha fallat per part nostra. Torna-ho a provar d'aquí a uns minuts.",
        "fr": "Désolé, un problème est survenu de notre côté. Merci de réessayer dans quelques minutes.",
        "pt": "Desculpe, ocorreu um problema do nosso lado. Tente novamente dentro de alguns minutos.",
        "de": "Entschuldigung, bei uns ist ein Fehler aufgetreten. Bitte versuchen Sie es in ein paar Minuten noch einmal.",
        "it": "Mi dispiace, si è verificato un problema da parte nostra. Riprova tra qualche minuto.",
    },
    # --- conversation summaries for the clinic (offline writer), in the clinic's language ---
    "summary_request": {
        "en": "Patient requested an appointment via WhatsApp",
        "es": "El paciente solicitó una cita por WhatsApp",
        "ca": "El pacient ha demanat una cita per WhatsApp",
        "fr": "Le patient a demandé un rendez-vous par WhatsApp",
        "pt": "O paciente pediu uma consulta por WhatsApp",
        "de": "Patient hat per WhatsApp einen Termin angefragt",
        "it": "Il paziente ha chiesto un appuntamento tramite WhatsApp",
    },
    "summary_reschedule": {
        "en": "Patient asked via WhatsApp to move the appointment of {old_date} at {old_time} with {old_provider}",
        "es": "El paciente pidió por WhatsApp cambiar la cita del {old_date} a las {old_time} con {old_provider}",
        "ca": "El pacient ha demanat per WhatsApp canviar la cita del {old_date} a les {old_time} amb {old_provider}",
        "fr": "Le patient a demandé par WhatsApp de déplacer le rendez-vous du {old_date} à {old_time} avec {old_provider}",
        "pt": "O paciente pediu por WhatsApp para mudar a consulta de {old_date} às {old_time} com {old_provider}",
        "de": "Patient möchte per WhatsApp den Termin am {old_date} um {old_time} bei {old_provider} verschieben",
        "it": "Il paziente ha chiesto tramite WhatsApp di spostare l'appuntamento del {old_date} alle {old_time} con {old_provider}",
    },
    "summary_service": {
        "en": "for {service}", "es": "para {service}", "ca": "per a {service}", "fr": "pour {service}",
        "pt": "para {service}", "de": "für {service}", "it": "per {service}",
    },
    "summary_pref_morning": {
        "en": "preferred morning", "es": "prefiere por la mañana", "ca": "prefereix al matí",
        "fr": "préfère le matin", "pt": "prefere de manhã", "de": "bevorzugt vormittags",
        "it": "preferisce la mattina",
    },
    "summary_pref_afternoon": {
        "en": "preferred afternoon", "es": "prefiere por la tarde", "ca": "prefereix a la tarda",
        "fr": "préfère l'après-midi", "pt": "prefere à tarde", "de": "bevorzugt nachmittags",
        "it": "preferisce il pomeriggio",
    },
    "summary_pref_evening": {
        "en": "preferred evening", "es": "prefiere por la noche", "ca": "prefereix al vespre",
        "fr": "préfère le soir", "pt": "prefere à noite", "de": "bevorzugt abends", "it": "preferisce la sera",
    },
    "summary_time": {
        "en": "asked for around {time}", "es": "pidió hacia las {time}", "ca": "va demanar cap a les {time}",
        "fr": "a demandé vers {time}", "pt": "pediu por volta das {time}", "de": "wünschte etwa {time} Uhr",
        "it": "ha chiesto verso le {time}",
    },
    "summary_asap": {
        "en": "asked for the earliest slot", "es": "pidió la primera hora disponible",
        "ca": "va demanar la primera hora disponible", "fr": "a demandé le premier créneau disponible",
        "pt": "pediu o primeiro horário disponível", "de": "wünschte den nächstmöglichen Termin",
        "it": "ha chiesto il primo orario disponibile",
    },
    "summary_chosen": {
        "en": "Chose {date} at {time} with {provider}.",
        "es": "Eligió el {date} a las {time} con {provider}.",
        "ca": "Ha triat el {date} a les {time} amb {provider}.",
        "fr": "A choisi le {date} à {time} avec {provider}.",
        "pt": "Escolheu {date} às {time} com {provider}.",
        "de": "Gewählt: {date} um {time} bei {provider}.",
        "it": "Ha scelto {date} alle {time} con {provider}.",
    },
    "summary_cancelled": {
        "en": "Patient cancelled the appointment via WhatsApp.",
        "es": "El paciente canceló la cita por WhatsApp.",
        "ca": "El pacient ha cancel·lat la cita per WhatsApp.",
        "fr": "Le patient a annulé le rendez-vous par WhatsApp.",
        "pt": "O paciente cancelou a consulta por WhatsApp.",
        "de": "Patient hat den Termin per WhatsApp abgesagt.",
        "it": "Il paziente ha cancellato l'appuntamento tramite WhatsApp.",
    },
    "summary_moved": {
        "en": "Patient moved this appointment via WhatsApp to {date} at {time} with {provider}.",
        "es": "El paciente movió esta cita por WhatsApp al {date} a las {time} con {provider}.",
        "ca": "El pacient ha mogut aquesta cita per WhatsApp al {date} a les {time} amb {provider}.",
        "fr": "Le patient a déplacé ce rendez-vous par WhatsApp au {date} à {time} avec {provider}.",
        "pt": "O paciente mudou esta consulta por WhatsApp para {date} às {time} com {provider}.",
        "de": "Patient hat diesen Termin per WhatsApp auf {date} um {time} bei {provider} verschoben.",
        "it": "Il paziente ha spostato questo appuntamento tramite WhatsApp a {date} alle {time} con {provider}.",
    },
}


def t(key: str, language: str, **values: Any) -> str:
    """The reply ``key`` in ``language`` (English when the language is unknown), filled with ``values``.

    Raises:
        KeyError: unknown ``key`` (a programming error).
    """
    texts = REPLIES[key]
    return texts.get(language, texts["en"]).format(**values)


def format_day(day: date, language: str) -> str:
    """A day as people write it in ``language``: "miércoles 20 de mayo", "Wednesday, May 20"."""
    from babel.dates import format_date

    lang = language if language in LANGUAGES else "en"
    return format_date(day, DATE_PATTERNS[lang], locale=lang)


def format_time(value: time) -> str:
    """24-hour ``HH:MM`` (the slots endpoint's own format)."""
    return value.strftime("%H:%M")


def weekday_names(language: str) -> list[str]:
    """Monday..Sunday in ``language`` (CLDR wide names, capitalized)."""
    from babel.dates import get_day_names

    lang = language if language in LANGUAGES else "en"
    names = get_day_names("wide", locale=lang)
    return [names[i][:1].upper() + names[i][1:] for i in range(7)]
