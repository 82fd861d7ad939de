# Correos de Beckon, español.

date-time = { $weekday }, { $day } de { $month } de { $year }, { $time }
clock = 24
weekday-1 = lunes
weekday-2 = martes
weekday-3 = miércoles
weekday-4 = jueves
weekday-5 = viernes
weekday-6 = sábado
weekday-7 = domingo
month-1 = enero
month-2 = febrero
month-3 = marzo
month-4 = abril
month-5 = mayo
month-6 = junio
month-7 = julio
month-8 = agosto
month-9 = septiembre
month-10 = octubre
month-11 = noviembre
month-12 = diciembre

greeting = Hola, { $name }:
signature = { $agent }, { $org }
footer = Este mensaje lo ha enviado { $org } con Beckon, un servicio de asistencia remota autoalojado.
link-fallback = Si el botón no funciona, copie esta dirección en su navegador:
label-when = Prevista para
label-expires = Enlace válido hasta
label-agent = Su contacto
label-comment = Mensaje de { $agent }
safety = Continúe solo si ha pedido ayuda a { $org }. Nadie de { $org } le pedirá nunca un pago ni sus contraseñas.
consent-note = Nadie puede ver su pantalla hasta que usted lo permita en la página de la sesión, y puede terminarla en cualquier momento.
calendar-summary = Sesión de asistencia remota con { $org }

invitation-subject = { $agent } de { $org } le invita a una sesión de asistencia remota
invitation-intro = { $agent } de { $org } quiere ayudarle mediante una sesión de asistencia remota.
invitation-scheduled = La sesión está prevista para el { $when }.
invitation-action = Abrir la página de la sesión

reminder-subject = Recordatorio: su sesión de asistencia con { $org } empieza pronto
reminder-intro = Su sesión de asistencia remota con { $agent } de { $org } empieza el { $when }.
reminder-action = Abrir la página de la sesión

rescheduled-subject = Nueva hora para su sesión de asistencia con { $org }
rescheduled-intro = { $agent } de { $org } ha cambiado su sesión de asistencia remota al { $when }.
unscheduled-subject = Su sesión de asistencia con { $org } ya no tiene hora fijada
unscheduled-intro = { $agent } de { $org } ha quitado la hora prevista de su sesión de asistencia remota. Su enlace sigue siendo válido: ábralo cuando le convenga antes del { $expires }.
rescheduled-action = Abrir la página de la sesión

closed-subject = Su solicitud de asistencia con { $org } está cerrada
closed-intro = { $agent } de { $org } ha cerrado su solicitud de asistencia remota. El enlace que recibió ya no funciona.
closed-more = Si aún necesita ayuda, vuelva a ponerse en contacto con { $org }.

expired-subject = Su enlace de asistencia de { $org } ha caducado
expired-intro = El enlace de asistencia remota que { $agent } de { $org } le envió ha caducado.
expired-more = Si aún necesita ayuda, pida a { $org } un enlace nuevo.

agent-greeting = Hola, { $name }:
assigned-subject = Asignada a usted: { $recipient }
assigned-intro = La solicitud de sesión de { $recipient } ahora está asignada a usted.
waiting-subject = { $recipient } le está esperando
waiting-intro = { $recipient } ha abierto el enlace de asistencia y espera a que usted se conecte.
agent-action = Abrir la solicitud
agent-expired-subject = Caducada sin sesión: { $recipient }
agent-expired-intro = La solicitud de sesión de { $recipient } ha caducado sin que se celebrara ninguna sesión. Vuelva a abrirla si el usuario todavía necesita ayuda.

test-subject = Correo de prueba de Beckon
test-intro = Este es un correo de prueba de Beckon para { $org }. Si lo está leyendo, el envío de correo funciona.

## To agents: the end user declined
declined-subject = Rechazada como inesperada: { $recipient }
declined-intro = { $recipient } abrió el enlace de soporte e indicó que no solicitó esta sesión («No fui yo»). La solicitud está cerrada. Si el enlace llegó a la persona equivocada, revise la dirección a la que se envió.

## The end user's page (/s/TOKEN)
page-title = Soporte remoto
page-asks = { $agent } de { $org } quiere ayudarle mediante una sesión de soporte remoto.
page-asks-org = { $org } quiere ayudarle mediante una sesión de soporte remoto.
page-planned = Su sesión está prevista para el { $when }.
page-your-time = Es decir, { $when } donde usted está.
page-reason = Motivo
page-choose = Elija cómo unirse. Nadie puede ver su pantalla hasta que usted lo permita.
page-start-browser = Empezar en este navegador
page-download = Descargar la aplicación para { $platform }
page-download-note = Abra el archivo descargado: se une a esta solicitud por sí solo. No hay que instalar nada.
page-waiting = Ya está registrado. Mantenga esta página abierta: su agente de soporte se conectará en breve.
page-ready = Acceso permitido. La sesión comienza en cuanto su agente de soporte la inicie.
page-in-session = Su sesión de soporte está en curso.
page-share = Compartir mi pantalla
page-sharing = Está compartiendo su pantalla.
page-stop = Detener
page-chat = Chat
page-chat-placeholder = Escriba un mensaje
page-send = Enviar
page-prompt-title = { $agent } de { $org } pide ver su pantalla
page-prompt-body = Permita el acceso solo si espera esta sesión de soporte. Puede detenerla en cualquier momento.
page-prompt-timeout = Sin respuesta, el acceso se deniega tras { $seconds } segundos.
page-allow = Permitir acceso
page-deny = Denegar
page-decline = No fui yo / rechazar
page-declined = Gracias. La solicitud está cerrada y se ha informado a { $org }.
page-ended = Esta sesión de soporte ha terminado.
page-in-use-title = Este enlace ya está en uso
page-in-use-body = El enlace se abrió en otro dispositivo. Continúe allí o pida a { $org } que lo libere para este dispositivo.
page-unknown-title = Este enlace no es válido
page-unknown-body = Compruebe el enlace de su correo o pida uno nuevo a su contacto de soporte.
page-finished-title = Esta solicitud de soporte ha terminado
page-finished-body = La solicitud se cerró o caducó. Si aún necesita ayuda, pida un enlace nuevo a su contacto de soporte.
page-released = Este enlace se liberó para otro dispositivo.
page-session-over = La sesión de soporte ha terminado. Puede cerrar esta ventana.
page-disconnected = Se perdió la conexión con su agente de soporte. La sesión termina si no se restablece en { $seconds } segundos.

# The link page by computer, its trust lines, and the assist app's own words.
page-use-computer = Abra este enlace en su ordenador: compartir la pantalla necesita un ordenador con Windows, Linux o Mac.
page-send-link = Enviarme este enlace por correo
page-no-app = La aplicación aún no está disponible para este ordenador: empiece en este navegador.
page-checksum = SHA-256
page-signed-by = Firmada por { $publisher }
page-unsigned = Sin firmar
page-code-hint = Si la aplicación pide un código, escriba:
page-steps-title = Qué va a pasar
page-step-1 = Descargue y abra la aplicación (o empiece en este navegador).
page-step-2 = Compruebe que nombra a { $org } y a { $agent }.
page-step-2-org = Compruebe que nombra a { $org }.
page-step-3 = Cuando su agente lo pida, permita el acceso. Puede detenerlo en cualquier momento.
page-host = Está en { $host }.
page-call-us = Si tiene dudas, llame a { $org } a un número que ya conozca.
page-call-us-phone = Si tiene dudas, llame a { $org } a un número que ya conozca, como el { $phone }.
page-other-agent = Atención: { $agent } no es el agente indicado en su invitación ({ $named }). Permita solo si lo espera.
page-decline-confirm = ¿Cerrar esta solicitud y avisar a { $org } de que usted no la pidió?
page-decline-yes = Sí, cerrarla
page-cancel = Cancelar
app-control-title = { $agent } pide controlar su ratón y su teclado
app-control-body = Permítalo solo si quiere que { $org } trabaje en su ordenador. Puede recuperar el control en cualquier momento.
app-allow-control = Permitir el control
app-controlled = { $agent } está controlando su ordenador.
app-take-back = Recuperar el control
app-end = Terminar la sesión
