# E-mails do Beckon, português.

date-time = { $weekday }, { $day } de { $month } de { $year }, { $time }
clock = 24
weekday-1 = segunda-feira
weekday-2 = terça-feira
weekday-3 = quarta-feira
weekday-4 = quinta-feira
weekday-5 = sexta-feira
weekday-6 = sábado
weekday-7 = domingo
month-1 = janeiro
month-2 = fevereiro
month-3 = março
month-4 = abril
month-5 = maio
month-6 = junho
month-7 = julho
month-8 = agosto
month-9 = setembro
month-10 = outubro
month-11 = novembro
month-12 = dezembro

greeting = Olá, { $name },
signature = { $agent }, { $org }
footer = Esta mensagem foi enviada por { $org } com o Beckon, um serviço de suporte remoto auto-hospedado.
link-fallback = Se o botão não funcionar, copie este endereço para o seu navegador:
label-when = Prevista para
label-expires = Link válido até
label-agent = O seu contacto
label-comment = Mensagem de { $agent }
safety = Continue apenas se pediu ajuda a { $org }. Ninguém de { $org } lhe pedirá alguma vez um pagamento ou as suas palavras-passe.
consent-note = Ninguém pode ver o seu ecrã até que o permita na página da sessão, e pode terminar a sessão a qualquer momento.
calendar-summary = Sessão de suporte remoto com { $org }

invitation-subject = { $agent } de { $org } convida-o para uma sessão de suporte remoto
invitation-intro = { $agent } de { $org } gostaria de o ajudar através de uma sessão de suporte remoto.
invitation-scheduled = A sessão está prevista para { $when }.
invitation-action = Abrir a página da sessão

reminder-subject = Lembrete: a sua sessão de suporte com { $org } começa em breve
reminder-intro = A sua sessão de suporte remoto com { $agent } de { $org } começa { $when }.
reminder-action = Abrir a página da sessão

rescheduled-subject = Novo horário para a sua sessão de suporte com { $org }
rescheduled-intro = { $agent } de { $org } mudou a sua sessão de suporte remoto para { $when }.
unscheduled-subject = A sua sessão de suporte com { $org } já não tem horário marcado
unscheduled-intro = { $agent } de { $org } retirou o horário previsto da sua sessão de suporte remoto. O seu link continua válido: abra-o quando lhe for conveniente antes de { $expires }.
rescheduled-action = Abrir a página da sessão

closed-subject = O seu pedido de suporte a { $org } foi encerrado
closed-intro = { $agent } de { $org } encerrou o seu pedido de suporte remoto. O link que recebeu já não funciona.
closed-more = Se ainda precisar de ajuda, contacte novamente { $org }.

expired-subject = O seu link de suporte de { $org } expirou
expired-intro = O link de suporte remoto que { $agent } de { $org } lhe enviou expirou.
expired-more = Se ainda precisar de ajuda, peça um novo link a { $org }.

agent-greeting = Olá, { $name },
assigned-subject = Atribuído a si: { $recipient }
assigned-intro = O pedido de sessão de { $recipient } está agora atribuído a si.
waiting-subject = { $recipient } está à sua espera
waiting-intro = { $recipient } abriu o link de suporte e aguarda que se ligue.
agent-action = Abrir o pedido
agent-expired-subject = Expirou sem sessão: { $recipient }
agent-expired-intro = O pedido de sessão de { $recipient } expirou sem que tenha havido uma sessão. Reabra-o se o utilizador ainda precisar de ajuda.

test-subject = E-mail de teste do Beckon
test-intro = Este é um e-mail de teste do Beckon para { $org }. Se o está a ler, o envio de e-mail funciona.

## To agents: the end user declined
declined-subject = Recusada como inesperada: { $recipient }
declined-intro = { $recipient } abriu o link de suporte e indicou que não pediu esta sessão («Não fui eu»). O pedido está fechado. Se o link chegou à pessoa errada, verifique o endereço para onde foi enviado.

## The end user's page (/s/TOKEN)
page-title = Suporte remoto
page-asks = { $agent } de { $org } gostaria de ajudá-lo numa sessão de suporte remoto.
page-asks-org = { $org } gostaria de ajudá-lo numa sessão de suporte remoto.
page-planned = A sua sessão está prevista para { $when }.
page-your-time = Ou seja, { $when } onde está.
page-reason = Motivo
page-choose = Escolha como participar. Ninguém vê o seu ecrã até que o permita.
page-start-browser = Começar neste navegador
page-download = Transferir a aplicação para { $platform }
page-download-note = Abra o ficheiro transferido: junta-se sozinho a este pedido. Nada a instalar.
page-waiting = Está registado. Mantenha esta página aberta: o seu técnico vai ligar-se em breve.
page-ready = Acesso permitido. A sessão começa assim que o seu técnico a iniciar.
page-in-session = A sua sessão de suporte está a decorrer.
page-share = Partilhar o meu ecrã
page-sharing = Está a partilhar o seu ecrã.
page-stop = Parar
page-chat = Conversa
page-chat-placeholder = Escreva uma mensagem
page-send = Enviar
page-prompt-title = { $agent } de { $org } pede para ver o seu ecrã
page-prompt-body = Permita o acesso apenas se estiver à espera desta sessão de suporte. Pode parar a qualquer momento.
page-prompt-timeout = Sem resposta, o acesso é recusado após { $seconds } segundos.
page-allow = Permitir acesso
page-deny = Recusar
page-decline = Não fui eu / recusar
page-declined = Obrigado. O pedido está fechado e { $org } foi avisada.
page-ended = Esta sessão de suporte terminou.
page-in-use-title = Este link já está a ser usado
page-in-use-body = O link foi aberto noutro dispositivo. Continue lá, ou peça a { $org } para o libertar para este dispositivo.
page-unknown-title = Este link não é válido
page-unknown-body = Verifique o link no seu e-mail ou peça um novo ao seu contacto de suporte.
page-finished-title = Este pedido de suporte terminou
page-finished-body = O pedido foi fechado ou expirou. Se ainda precisar de ajuda, peça um novo link ao seu contacto de suporte.
page-released = Este link foi libertado para outro dispositivo.
page-session-over = A sessão de suporte terminou. Pode fechar esta janela.
page-disconnected = A ligação ao seu técnico caiu. A sessão termina se não for restabelecida em { $seconds } segundos.

# The link page by computer, its trust lines, and the assist app's own words.
page-use-computer = Abra esta ligação no seu computador: partilhar o ecrã requer um computador Windows, Linux ou Mac.
page-send-link = Enviar-me esta ligação por e-mail
page-no-app = A aplicação ainda não existe para este computador: comece neste navegador.
page-checksum = SHA-256
page-signed-by = Assinada por { $publisher }
page-unsigned = Não assinada
page-code-hint = Se a aplicação pedir um código, escreva:
page-steps-title = O que vai acontecer
page-step-1 = Transfira e abra a aplicação (ou comece neste navegador).
page-step-2 = Confirme que indica { $org } e { $agent }.
page-step-2-org = Confirme que indica { $org }.
page-step-3 = Quando o seu agente pedir, permita o acesso. Pode parar a qualquer momento.
page-host = Está em { $host }.
page-call-us = Em caso de dúvida, ligue para { $org } para um número que já conhece.
page-call-us-phone = Em caso de dúvida, ligue para { $org } para um número que já conhece, como o { $phone }.
page-other-agent = Atenção: { $agent } não é o agente indicado no seu convite ({ $named }). Permita apenas se o esperar.
page-decline-confirm = Fechar este pedido e avisar { $org } de que não o pediu?
page-decline-yes = Sim, fechar
page-cancel = Cancelar
app-control-title = { $agent } pede para controlar o seu rato e teclado
app-control-body = Permita apenas se quiser que { $org } trabalhe no seu computador. Pode retomar o controlo a qualquer momento.
app-allow-control = Permitir o controlo
app-controlled = { $agent } está a controlar o seu computador.
app-take-back = Retomar o controlo
app-end = Terminar a sessão
