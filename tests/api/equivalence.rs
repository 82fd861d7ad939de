//! The two stores answer the same list and search queries identically: the same generated
//! requests (the same IDs) in an embedded store and in a PostgreSQL one, and every query's
//! pages, followed by their cursors, compared item by item.

use app::domain::{AgentId, Assignee, RequestId, SessionRequest, Status};
use reqwest::StatusCode;

use crate::harness::TestServer;

const NAMES: [&str; 9] = [
    "Anna Fischer",
    "Ben Garcia",
    "Chen Huang",
    "김민준",
    "山田 太郎",
    "Zoë Ångström",
    "Dana O'Neil",
    "Emil Jones",
    "Fatima Ito",
];
const COMMENTS: [&str; 4] = [
    "Printer driver will not install",
    "VPN drops every hour at 42 past",
    "東京オフィスのプリンター",
    "",
];

/// Request `i` of the generated set, assigned to `agent` when it is assigned to someone.
fn generated(i: u64, agent: AgentId, now: jiff::Timestamp) -> SessionRequest {
    let name = NAMES[(i % 9) as usize];
    let created = now - jiff::SignedDuration::from_secs(50_000 - i as i64 * 7);
    let ms = created.as_millisecond() as u128;
    let (week, hour) = (
        jiff::SignedDuration::from_hours(24 * 7),
        jiff::SignedDuration::from_hours(1),
    );
    let (status, expires) = match i % 11 {
        1 | 4 => (Status::Closed, now + week),
        2 => (Status::Expired, now - hour),
        7 => (Status::Open, now - hour),
        5 => (Status::Waiting, now + week),
        8 => (Status::Ready, now + week),
        9 => (Status::InSession, now + week),
        10 => (Status::Waiting, now - hour),
        _ => (Status::Open, now + week),
    };
    let scheduled = i
        .is_multiple_of(3)
        .then(|| now + jiff::SignedDuration::from_mins(((i * 53) % 900) as i64));
    SessionRequest {
        status,
        recipient_email: (!i.is_multiple_of(4)).then(|| format!("user{i}@acme{}.example", i % 5)),
        comment: format!("{} #{i}", COMMENTS[(i / 9 % 4) as usize]),
        scheduled_at: scheduled,
        schedule_set_at: scheduled.map(|_| created),
        assignee: match i % 5 {
            0 | 3 => Assignee::Agent(agent),
            _ => Assignee::Unassigned,
        },
        ..SessionRequest::new(
            RequestId::from_u128((ms << 80) | u128::from(i)),
            format!("{name} {}", i % 97),
            agent,
            created,
            expires,
        )
    }
}

/// Every page of `query` (IDs, page by page), following the cursors.
async fn pages(t: &TestServer, token: &str, query: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut cursor = String::new();
    loop {
        let r = t
            .get(
                &format!("/api/v1/session-requests?{query}&cursor={cursor}"),
                token,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.body);
        out.push(
            r.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].as_str().unwrap().to_owned())
                .collect(),
        );
        assert!(out.len() < 500, "{query}: the cursors go round in circles");
        match r.body["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => return out,
        }
    }
}

#[tokio::test]
async fn both_stores_give_the_same_pages_for_every_list_and_search() {
    // It uses both stores itself, so it runs once, in the embedded store's run.
    if crate::backend::postgres() || !crate::backend::cluster_or_skip() {
        return;
    }
    // No expiry sweep: the overdue requests stay stored as open, waiting or ready.
    let quiet = |c: &mut beckon::config::Config| {
        c.sweeper.expiry = beckon::config::CronSpec("0 0 0 1 1 *".into());
    };
    let embedded = TestServer::start_with(quiet).await;
    let database = crate::backend::new_database().await;
    let postgres = TestServer::start_with(|c| {
        quiet(c);
        c.database_url = Some(beckon::config::Secret(database.clone()));
    })
    .await;
    let now = jiff::Timestamp::now();
    let mut tokens = Vec::new();
    for t in [&embedded, &postgres] {
        let admin = t.admin().await;
        let me: AgentId = t.get("/api/v1/me", &admin).await.body["id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let records: Vec<_> = (0..3000).map(|i| (generated(i, me, now), vec![])).collect();
        t.server().service().seed(records).unwrap();
        tokens.push(admin);
    }
    let queries = [
        "limit=50",
        "limit=7",
        "view=upcoming&limit=50",
        "view=upcoming&limit=9",
        "view=active&limit=50",
        "view=past&limit=50",
        "status=open&limit=50",
        "status=expired&limit=50",
        "status=waiting,ready&limit=50",
        "assignee=me&limit=50",
        "assignee=unassigned&view=active&limit=50",
        "view=upcoming&assignee=me&limit=20",
        "q=an&limit=50",
        "q=fisch&limit=50",
        "q=dana%20o&limit=50",
        "q=acme3&limit=50",
        "q=42&limit=50",
        "q=%EB%AF%BC%EC%A4%80&limit=50",
        "q=%E6%9D%B1%E4%BA%AC&limit=50",
        "q=zo%C3%AB%20%C3%A5ng&limit=50",
        "q=printer&view=upcoming&limit=11",
        "q=vpn&view=past&limit=13",
        "q=user1&assignee=me&limit=50",
        "q=nothing-matches-this&limit=50",
    ];
    for query in queries {
        let a = pages(&embedded, &tokens[0], query).await;
        let b = pages(&postgres, &tokens[1], query).await;
        assert!(
            a.iter().map(Vec::len).sum::<usize>() > 0 || query.contains("nothing"),
            "{query} found nothing: the data set should exercise it"
        );
        assert_eq!(a, b, "{query}: the stores' pages differ");
    }
}
