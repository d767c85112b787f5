//! Fuzzes hasone's whole request path in process: the actix-web app
//! (routes, CSRF, body reading), the request bounds, async-graphql's parser
//! and validation (patched), the resolvers and SQLite.
//!
//! An input is text or structure, by its first byte:
//! - `g`, `p`, `b`, `r`: the rest is a document sent over GET, a POSTed
//!   request, the first operation of a POSTed batch, or a raw POST body.
//!   The readable seeds in `corpus/request/` are of this kind.
//! - anything else: the rest drives a generator of requests made of the
//!   schema's own names (fields, arguments, enum values, types), with
//!   fragments that spread each other, directives, variables, values and
//!   selections nested up to thousands of levels, and batches.
//!
//! A crash is: a panic anywhere (a stack overflow too: see `altstack`), an
//! answer with a 5xx status, an answer that is not JSON with `data` or
//! `errors`, an error without a code, an `INTERNAL` error, or a request
//! that runs past libFuzzer's `-timeout` (the server's own request
//! timeout is 2 s here).

#![no_main]

mod altstack;
mod generate;

use std::sync::{Mutex, OnceLock, PoisonError, mpsc};

use actix_web::test::{self, TestRequest};
use hasone_actix::AppState;
use hasone_server::config::Settings;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// Codes an answer may carry here (README, "Errors"). `INTERNAL` is a
/// crash, and so is `UNAVAILABLE`: requests come one at a time, so a pool
/// without a free connection means one was never given back.
const CODES: [&str; 8] = [
    "NOT_FOUND",
    "BAD_USER_INPUT",
    "CONFLICT",
    "TIMEOUT",
    "GRAPHQL_PARSE_FAILED",
    "GRAPHQL_VALIDATION_FAILED",
    "LIMIT_EXCEEDED",
    "BAD_REQUEST",
];

/// The stack of an actix-web worker thread (std's default, 2 MiB), where
/// production runs requests: the fuzz target runs them on a thread with
/// the same stack, not on libFuzzer's main thread (8 MiB), so that a
/// request deep enough to overflow a worker overflows here too.
const WORKER_STACK: usize = 2 * 1024 * 1024;

/// An input for the worker thread, and where it says it has checked it.
type Job = (Outgoing, mpsc::SyncSender<()>);

/// Inputs go to the worker thread, which answers when it has checked one.
static WORKER: OnceLock<Mutex<mpsc::SyncSender<Job>>> = OnceLock::new();

fn worker() -> mpsc::SyncSender<Job> {
    let tx = WORKER.get_or_init(|| {
        let (tx, rx) = mpsc::sync_channel::<Job>(0);
        std::thread::Builder::new()
            .name("actix-server worker 0".into())
            .stack_size(WORKER_STACK)
            .spawn(move || {
                altstack::ensure();
                let system = actix_web::rt::System::new();
                let (state, _db) = system
                    .block_on(hasone_server::startup::state(&settings()))
                    .expect("the app starts");
                for (send, done) in rx {
                    system.block_on(serve(&state, &send));
                    let _ = done.send(());
                }
            })
            .expect("spawn the worker");
        Mutex::new(tx)
    });
    tx.lock().unwrap_or_else(PoisonError::into_inner).clone()
}

fn settings() -> Settings {
    let dir = std::env::temp_dir().join(format!("hasone-fuzz-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::create_dir_all(&dir);
    let mut settings = Settings {
        server: hasone_actix::Settings {
            database_url: Some(format!("sqlite://{}/fuzz.sqlite?mode=rwc", dir.display())),
            schemas: vec!["tenant_a".into()],
            ..hasone_actix::Settings::default()
        },
        seed_users: 30,
    };
    settings.server.limits.request_timeout_ms = 2_000;
    settings.server.limits.body_timeout_ms = 2_000;
    settings
}

/// One HTTP request to send.
#[derive(Debug)]
pub enum Outgoing {
    Get {
        query: String,
        preflight: bool,
    },
    Post {
        body: Vec<u8>,
        content_type: &'static str,
    },
}

/// Longest request head actix-web takes (`431` past it, before anything of
/// hasone runs); longer GETs are not sent.
const MAX_URI: usize = 32 * 1024;

fuzz_target!(|input: &[u8]| {
    altstack::ensure();
    let Some(send) = request(input) else {
        return;
    };
    if let Outgoing::Get { query, .. } = &send
        && encode(query).len() > MAX_URI
    {
        return;
    }
    let (done, wait) = mpsc::sync_channel(0);
    worker().send((send, done)).expect("the worker runs");
    wait.recv().expect("the worker answers");
});

/// Sends one request to a fresh app over the shared state, and checks the
/// answer.
async fn serve(state: &AppState, send: &Outgoing) {
    let app = test::init_service(state.clone().app()).await;
    let req = match send {
        Outgoing::Get { query, preflight } => {
            let mut req = TestRequest::get().uri(&format!("/graphql?query={}", encode(query)));
            if *preflight {
                req = req.insert_header(("graphql-require-preflight", "1"));
            }
            req
        }
        Outgoing::Post { body, content_type } => TestRequest::post()
            .uri("/graphql")
            .insert_header(("content-type", *content_type))
            .set_payload(body.clone()),
    };
    let resp = test::call_service(&app, req.to_request()).await;
    let status = resp.status().as_u16();
    let body = test::read_body(resp).await;
    check(send, status, &body);
}

fn request(input: &[u8]) -> Option<Outgoing> {
    let (&first, rest) = input.split_first()?;
    let text = || String::from_utf8_lossy(rest).into_owned();
    Some(match first {
        b'g' => Outgoing::Get {
            query: text(),
            preflight: true,
        },
        b'p' => post(&serde_json::json!({ "query": text() })),
        b'b' => post(&serde_json::json!([{ "query": text() }, { "query": "{ __typename }" }])),
        b'r' => Outgoing::Post {
            body: rest.to_vec(),
            content_type: "application/json",
        },
        _ => generate::request(&mut arbitrary::Unstructured::new(rest)).ok()?,
    })
}

pub fn post(body: &Value) -> Outgoing {
    Outgoing::Post {
        body: body.to_string().into_bytes(),
        content_type: "application/json",
    }
}

fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn check(send: &Outgoing, status: u16, body: &[u8]) {
    let text = String::from_utf8_lossy(body);
    assert!(status < 500, "{status} for {send:?}: {text}");
    let answer: Value = serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("not JSON ({e}) for {send:?}: {text}"));
    let answers = match &answer {
        Value::Array(all) => all.iter().collect(),
        one => vec![one],
    };
    for one in answers {
        let errors = one.get("errors");
        assert!(
            one.get("data").is_some() || errors.is_some(),
            "neither data nor errors for {send:?}: {text}"
        );
        for err in errors.and_then(Value::as_array).into_iter().flatten() {
            let code = err["extensions"]["code"].as_str().unwrap_or_default();
            assert!(CODES.contains(&code), "code {code:?} for {send:?}: {text}");
        }
    }
}
