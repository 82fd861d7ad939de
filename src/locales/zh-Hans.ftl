# Beckon 邮件，简体中文。

date-time = { $year }年{ $monthnum }月{ $day }日（{ $weekday }）{ $time }
clock = 24
weekday-1 = 星期一
weekday-2 = 星期二
weekday-3 = 星期三
weekday-4 = 星期四
weekday-5 = 星期五
weekday-6 = 星期六
weekday-7 = 星期日
month-1 = 一月
month-2 = 二月
month-3 = 三月
month-4 = 四月
month-5 = 五月
month-6 = 六月
month-7 = 七月
month-8 = 八月
month-9 = 九月
month-10 = 十月
month-11 = 十一月
month-12 = 十二月

greeting = { $name }，您好：
signature = { $org } { $agent }
footer = 此邮件由 { $org } 通过 Beckon（一款自托管的远程支持服务）发送。
link-fallback = 如果按钮无法使用，请将以下地址复制到浏览器中：
label-when = 计划时间
label-expires = 链接有效期至
label-agent = 您的联系人
label-comment = { $agent } 的留言
safety = 仅当您向 { $org } 请求过帮助时才继续。{ $org } 的任何人都绝不会向您索要付款或密码。
consent-note = 在您于会话页面上允许之前，任何人都无法看到您的屏幕；您也可以随时结束会话。
calendar-summary = 与 { $org } 的远程支持会话

invitation-subject = { $org } 的 { $agent } 邀请您参加远程支持会话
invitation-intro = { $org } 的 { $agent } 希望通过远程支持会话为您提供帮助。
invitation-scheduled = 会话计划于 { $when } 进行。
invitation-action = 打开会话页面

reminder-subject = 提醒：您与 { $org } 的支持会话即将开始
reminder-intro = 您与 { $org } 的 { $agent } 的远程支持会话将于 { $when } 开始。
reminder-action = 打开会话页面

rescheduled-subject = 您与 { $org } 的支持会话时间已更改
rescheduled-intro = { $org } 的 { $agent } 已将您的远程支持会话改到 { $when }。
unscheduled-subject = 您与 { $org } 的支持会话已不再有固定时间
unscheduled-intro = { $org } 的 { $agent } 取消了您的远程支持会话的计划时间。您的链接仍然有效：请在 { $expires } 之前任选方便的时间打开。
rescheduled-action = 打开会话页面

closed-subject = 您向 { $org } 提交的支持请求已关闭
closed-intro = { $org } 的 { $agent } 已关闭您的远程支持请求。您收到的链接已失效。
closed-more = 如果您仍需要帮助，请再次联系 { $org }。

expired-subject = 来自 { $org } 的支持链接已过期
expired-intro = { $org } 的 { $agent } 发送给您的远程支持链接已过期。
expired-more = 如果您仍需要帮助，请向 { $org } 索取新的链接。

agent-greeting = { $name }，您好：
assigned-subject = 已分配给您：{ $recipient }
assigned-intro = { $recipient } 的会话请求现已分配给您。
waiting-subject = { $recipient } 正在等待您
waiting-intro = { $recipient } 已打开支持链接，正在等待您连接。
agent-action = 打开请求
agent-expired-subject = 未进行会话即已过期：{ $recipient }
agent-expired-intro = { $recipient } 的会话请求在未进行任何会话的情况下已过期。如果该用户仍需要帮助，请重新打开它。

test-subject = Beckon 测试邮件
test-intro = 这是 Beckon 为 { $org } 发送的测试邮件。如果您能看到它，说明邮件发送正常。

## To agents: the end user declined
declined-subject = 被标记为意外请求并拒绝：{ $recipient }
declined-intro = { $recipient } 打开了支持链接，并表示没有请求此会话（“这不是我”）。请求已关闭。如果链接发给了错误的人，请检查发送的地址。

## The end user's page (/s/TOKEN)
page-title = 远程支持
page-asks = { $org } 的 { $agent } 希望通过远程支持会话为您提供帮助。
page-asks-org = { $org } 希望通过远程支持会话为您提供帮助。
page-planned = 您的会话计划于 { $when } 进行。
page-your-time = 您所在地的时间为 { $when }。
page-reason = 事由
page-choose = 请选择加入方式。在您允许之前，任何人都看不到您的屏幕。
page-start-browser = 在此浏览器中开始
page-download = 下载适用于 { $platform } 的应用
page-download-note = 打开下载的文件，它会自动加入此请求。无需安装。
page-waiting = 您已签到。请保持此页面打开：支持人员很快就会连接。
page-ready = 已允许访问。支持人员开始后会话即开始。
page-in-session = 您的支持会话正在进行。
page-share = 共享我的屏幕
page-sharing = 您正在共享屏幕。
page-stop = 停止
page-chat = 聊天
page-chat-placeholder = 输入消息
page-send = 发送
page-prompt-title = { $org } 的 { $agent } 请求查看您的屏幕
page-prompt-body = 仅在您正在等待此支持会话时才允许访问。您可以随时停止。
page-prompt-timeout = 如果 { $seconds } 秒内没有回答，访问将被拒绝。
page-allow = 允许访问
page-deny = 拒绝
page-decline = 这不是我 / 拒绝
page-declined = 谢谢。请求已关闭，并已通知 { $org }。
page-ended = 此支持会话已结束。
page-in-use-title = 此链接已在使用中
page-in-use-body = 此链接已在另一台设备上打开。请在那台设备上继续，或请 { $org } 为此设备解除绑定。
page-unknown-title = 此链接无效
page-unknown-body = 请检查邮件中的链接，或向您的支持联系人索取新链接。
page-finished-title = 此支持请求已结束
page-finished-body = 该请求已关闭或已过期。如仍需帮助，请向您的支持联系人索取新链接。
page-released = 此链接已为另一台设备解除绑定。
page-session-over = 支持会话已结束。您可以关闭此窗口。
page-disconnected = 与支持人员的连接已断开。如果 { $seconds } 秒内未恢复，会话将结束。

# The link page by computer, its trust lines, and the assist app's own words.
page-use-computer = 请在电脑上打开此链接：屏幕共享需要 Windows、Linux 或 Mac 电脑。
page-send-link = 把此链接发到我的邮箱
page-no-app = 此电脑暂无可用的应用：请改在此浏览器中开始。
page-checksum = SHA-256
page-signed-by = 签名者：{ $publisher }
page-unsigned = 未签名
page-code-hint = 如果应用要求输入代码，请输入：
page-steps-title = 接下来会发生什么
page-step-1 = 下载并打开应用（或在此浏览器中开始）。
page-step-2 = 确认其中显示 { $org } 和 { $agent }。
page-step-2-org = 确认其中显示 { $org }。
page-step-3 = 当您的客服请求时，允许访问。您可以随时停止。
page-host = 您正在访问 { $host }。
page-call-us = 如有疑问，请拨打您已知的号码联系 { $org }。
page-call-us-phone = 如有疑问，请拨打您已知的号码联系 { $org }，例如 { $phone }。
page-other-agent = 注意：{ $agent } 不是您邀请中指定的客服（{ $named }）。仅在您预期时允许。
page-decline-confirm = 关闭此请求并告知 { $org } 您没有提出过请求？
page-decline-yes = 是，关闭
page-cancel = 取消
app-control-title = { $agent } 请求控制您的鼠标和键盘
app-control-body = 仅当您希望 { $org } 在您的电脑上操作时才允许。您可以随时收回控制。
app-allow-control = 允许控制
app-controlled = { $agent } 正在控制您的电脑。
app-take-back = 收回控制
app-end = 结束会话
