"""A whole session request through a client generated from the served OpenAPI document
(openapi-python-client), with no hand-written request code: sign in, create, list with a
filter, check in as the end user from a device, connect, allow, start, end, close.

Run by .ci/client, which generates the `beckon_client` package from the real binary's
document and passes BASE, EMAIL and PASSWORD.
"""
import os
import sys

from beckon_client import AuthenticatedClient, Client
from beckon_client.api.assist import answer_prompt, check_in, get_prompt
from beckon_client.api.auth import login
from beckon_client.api.session_requests import (
    close_session_request,
    connect_session_request,
    create_session_request,
    end_session,
    get_session_request,
    list_session_requests,
    start_session,
)
from beckon_client.models import (
    CheckIn,
    CheckInClient,
    ConnectBody,
    Consent,
    ConsentDecision,
    EndBody,
    LoginBody,
    NewRequest,
)

BASE = os.environ["BASE"]


def ok(response, status, what):
    if response.status_code != status:
        sys.exit(f"{what}: expected {status}, got {response.status_code}: {response.content!r}")
    print(f"step: {what} ({status})")
    return response.parsed


signed = ok(login.sync_detailed(client=Client(base_url=BASE),
                                body=LoginBody(email=os.environ["EMAIL"], password=os.environ["PASSWORD"])),
            200, "sign in")
agent = AuthenticatedClient(base_url=BASE, token=signed.token)

created = ok(create_session_request.sync_detailed(
    client=agent, body=NewRequest(recipient_name="Grace Generated", send_email=False)),
    201, "create")
request_id = created.id

page = ok(list_session_requests.sync_detailed(client=agent, view="upcoming", q="generated"), 200, "list with a filter")
assert [r.id for r in page.items] == [request_id], page.items

# The end user: the link is their credential, the device header their browser's.
token = created.link.rsplit("/", 1)[1]
end_user = Client(base_url=BASE, headers={"beckon-device": "generated-client-device-0001"})
arrived = ok(check_in.sync_detailed(token=token, client=end_user, body=CheckIn(client=CheckInClient.WEB, platform="Linux")),
             200, "check in as the end user")
assert arrived.status == "waiting", arrived.status

ok(connect_session_request.sync_detailed(id=request_id, client=agent, body=ConnectBody(start=False)), 202, "connect")
prompt = ok(get_prompt.sync_detailed(token=token, client=end_user), 200, "the end user sees the prompt").prompt
ok(answer_prompt.sync_detailed(token=token, client=end_user, body=Consent(prompt_id=prompt.id, decision=ConsentDecision.ALLOW)),
   200, "allow")
ok(start_session.sync_detailed(id=request_id, client=agent), 200, "start")
ok(end_session.sync_detailed(id=request_id, client=agent, body=EndBody()), 200, "end")
closed = ok(close_session_request.sync_detailed(id=request_id, client=agent), 200, "close")
assert closed.status == "closed", closed.status

detail = ok(get_session_request.sync_detailed(id=request_id, client=agent), 200, "the timeline")
kinds = [e.kind for e in detail.events]
for kind in ["created", "checked_in", "connect_requested", "access_allowed", "session_started", "session_ended", "closed"]:
    assert kind in kinds, (kind, kinds)
print("generated client: all steps passed")
