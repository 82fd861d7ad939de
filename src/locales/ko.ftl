# Beckon 메일, 한국어.

date-time = { $year }년 { $monthnum }월 { $day }일 ({ $weekday }) { $time }
clock = 24
weekday-1 = 월
weekday-2 = 화
weekday-3 = 수
weekday-4 = 목
weekday-5 = 금
weekday-6 = 토
weekday-7 = 일
month-1 = 1월
month-2 = 2월
month-3 = 3월
month-4 = 4월
month-5 = 5월
month-6 = 6월
month-7 = 7월
month-8 = 8월
month-9 = 9월
month-10 = 10월
month-11 = 11월
month-12 = 12월

greeting = { $name }님, 안녕하세요.
signature = { $org } { $agent }
footer = 이 메시지는 { $org }에서 자체 호스팅 원격 지원 서비스인 Beckon을 통해 보냈습니다.
link-fallback = 버튼이 작동하지 않으면 이 주소를 브라우저에 복사해 붙여 넣으세요:
label-when = 예정 일시
label-expires = 링크 유효 기간
label-agent = 담당자
label-comment = { $agent }님의 메시지
safety = { $org }에 도움을 요청한 경우에만 계속하세요. { $org }에서는 절대로 결제나 비밀번호를 요구하지 않습니다.
consent-note = 세션 페이지에서 직접 허용하기 전에는 누구도 화면을 볼 수 없으며, 언제든지 세션을 끝낼 수 있습니다.
calendar-summary = { $org } 원격 지원 세션

invitation-subject = { $org }의 { $agent }님이 원격 지원 세션에 초대했습니다
invitation-intro = { $org }의 { $agent }님이 원격 지원 세션으로 도와드리려고 합니다.
invitation-scheduled = 세션은 { $when }에 예정되어 있습니다.
invitation-action = 세션 페이지 열기

reminder-subject = 알림: { $org } 지원 세션이 곧 시작됩니다
reminder-intro = { $org }의 { $agent }님과의 원격 지원 세션이 { $when }에 시작됩니다.
reminder-action = 세션 페이지 열기

rescheduled-subject = { $org } 지원 세션의 일정이 변경되었습니다
rescheduled-intro = { $org }의 { $agent }님이 원격 지원 세션 일정을 변경했습니다. 새 일정은 { $when }입니다.
unscheduled-subject = { $org } 지원 세션의 예정 일시가 취소되었습니다
unscheduled-intro = { $org }의 { $agent }님이 원격 지원 세션의 예정 일시를 취소했습니다. 링크는 계속 유효하니 { $expires } 전에 편한 때에 여세요.
rescheduled-action = 세션 페이지 열기

closed-subject = { $org } 지원 요청이 종료되었습니다
closed-intro = { $org }의 { $agent }님이 원격 지원 요청을 종료했습니다. 받으신 링크는 더 이상 작동하지 않습니다.
closed-more = 계속 도움이 필요하시면 { $org }에 다시 연락하세요.

expired-subject = { $org }의 지원 링크가 만료되었습니다
expired-intro = { $org }의 { $agent }님이 보낸 원격 지원 링크가 만료되었습니다.
expired-more = 계속 도움이 필요하시면 { $org }에 새 링크를 요청하세요.

agent-greeting = { $name }님, 안녕하세요.
assigned-subject = 나에게 배정됨: { $recipient }
assigned-intro = { $recipient }님의 세션 요청이 나에게 배정되었습니다.
waiting-subject = { $recipient }님이 기다리고 있습니다
waiting-intro = { $recipient }님이 지원 링크를 열고 연결을 기다리고 있습니다.
agent-action = 요청 열기
agent-expired-subject = 세션 없이 만료됨: { $recipient }
agent-expired-intro = { $recipient }님의 세션 요청이 세션 없이 만료되었습니다. 계속 도움이 필요하면 요청을 다시 여세요.

test-subject = Beckon 테스트 메일
test-intro = { $org }의 Beckon 테스트 메일입니다. 이 메일이 보이면 메일 발송이 정상적으로 작동하는 것입니다.

## To agents: the end user declined
declined-subject = 예상치 못한 요청으로 거절됨: { $recipient }
declined-intro = { $recipient } 님이 지원 링크를 열고 이 세션을 요청하지 않았다고 답했습니다("제가 아닙니다"). 요청은 종료되었습니다. 링크가 다른 사람에게 전달되었을 수 있으니 보낸 주소를 확인하세요.

## The end user's page (/s/TOKEN)
page-title = 원격 지원
page-asks = { $org }의 { $agent } 님이 원격 지원 세션으로 도와드리려 합니다.
page-asks-org = { $org }에서 원격 지원 세션으로 도와드리려 합니다.
page-planned = 세션은 { $when }에 예정되어 있습니다.
page-your-time = 현재 계신 곳 기준으로 { $when }입니다.
page-reason = 사유
page-choose = 참여 방법을 선택하세요. 허용하기 전에는 아무도 화면을 볼 수 없습니다.
page-start-browser = 이 브라우저에서 시작
page-download = { $platform }용 앱 다운로드
page-download-note = 다운로드한 파일을 열면 이 요청에 자동으로 참여합니다. 설치할 필요가 없습니다.
page-waiting = 체크인했습니다. 이 페이지를 열어 두세요. 곧 상담원이 연결합니다.
page-ready = 접근을 허용했습니다. 상담원이 시작하면 세션이 시작됩니다.
page-in-session = 지원 세션이 진행 중입니다.
page-share = 내 화면 공유
page-sharing = 화면을 공유하고 있습니다.
page-stop = 중지
page-chat = 채팅
page-chat-placeholder = 메시지를 입력하세요
page-send = 보내기
page-prompt-title = { $org }의 { $agent } 님이 화면 보기를 요청합니다
page-prompt-body = 이 지원 세션을 기다리고 있는 경우에만 허용하세요. 언제든지 중지할 수 있습니다.
page-prompt-timeout = { $seconds }초 안에 응답하지 않으면 접근이 거부됩니다.
page-allow = 접근 허용
page-deny = 거부
page-decline = 제가 아닙니다 / 거절
page-declined = 감사합니다. 요청이 종료되었고 { $org }에 알렸습니다.
page-ended = 이 지원 세션은 종료되었습니다.
page-in-use-title = 이 링크는 이미 사용 중입니다
page-in-use-body = 이 링크는 다른 기기에서 열렸습니다. 그 기기에서 계속하거나 { $org }에 이 기기용으로 해제해 달라고 요청하세요.
page-unknown-title = 유효하지 않은 링크입니다
page-unknown-body = 이메일의 링크를 확인하거나 지원 담당자에게 새 링크를 요청하세요.
page-finished-title = 이 지원 요청은 종료되었습니다
page-finished-body = 요청이 닫혔거나 만료되었습니다. 계속 도움이 필요하면 지원 담당자에게 새 링크를 요청하세요.
page-released = 이 링크는 다른 기기용으로 해제되었습니다.
page-session-over = 지원 세션이 끝났습니다. 이 창을 닫아도 됩니다.
page-disconnected = 상담원과의 연결이 끊어졌습니다. { $seconds }초 안에 다시 연결되지 않으면 세션이 종료됩니다.

# The link page by computer, its trust lines, and the assist app's own words.
page-use-computer = 이 링크를 컴퓨터에서 여세요. 화면 공유에는 Windows, Linux 또는 Mac 컴퓨터가 필요합니다.
page-send-link = 이 링크를 나에게 메일로 보내기
page-no-app = 이 컴퓨터용 앱은 아직 없습니다. 대신 이 브라우저에서 시작하세요.
page-checksum = SHA-256
page-signed-by = 서명: { $publisher }
page-unsigned = 서명 없음
page-code-hint = 앱이 코드를 물으면 다음을 입력하세요:
page-steps-title = 진행 순서
page-step-1 = 앱을 다운로드해 엽니다 (또는 이 브라우저에서 시작합니다).
page-step-2 = { $org }와 { $agent } 님의 이름이 표시되는지 확인합니다.
page-step-2-org = { $org }의 이름이 표시되는지 확인합니다.
page-step-3 = 상담원이 요청하면 접근을 허용합니다. 언제든지 중지할 수 있습니다.
page-host = 현재 사이트: { $host }
page-call-us = 의심스러우면 이미 알고 있는 번호로 { $org }에 전화하세요.
page-call-us-phone = 의심스러우면 이미 알고 있는 번호(예: { $phone })로 { $org }에 전화하세요.
page-other-agent = 주의: { $agent } 님은 초대장에 적힌 상담원({ $named })이 아닙니다. 예상한 경우에만 허용하세요.
page-decline-confirm = 이 요청을 닫고 요청한 적이 없다고 { $org }에 알릴까요?
page-decline-yes = 예, 닫기
page-cancel = 취소
app-control-title = { $agent } 님이 마우스와 키보드 제어를 요청합니다
app-control-body = { $org }이(가) 컴퓨터에서 작업하기를 원할 때만 허용하세요. 언제든지 제어를 되찾을 수 있습니다.
app-allow-control = 제어 허용
app-controlled = { $agent } 님이 컴퓨터를 제어하고 있습니다.
app-take-back = 제어 되찾기
app-end = 세션 종료
