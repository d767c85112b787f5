//! Many concurrent `set`/`create` calls on the same sources, each task with
//! its own HTTP connections: at most one linked target per source and
//! association, no lost insert, and no error at all. `CONFLICT` is not
//! allowed: the unique index alone would also keep one target, by refusing
//! one of two racing calls; the source lock (`FOR UPDATE`; `BEGIN
//! IMMEDIATE` on SQLite) is what makes both succeed, one after the other,
//! so this test fails without it. Measured by removing it: without
//! `FOR UPDATE`, 780 (PostgreSQL) and 8 (MariaDB) of 6,400 calls answered
//! `CONFLICT`; with deferred SQLite transactions, 1,275. Sizes: `HASONE_CONCURRENCY_TASKS` (32) × `HASONE_CONCURRENCY_OPS`
//! (200); figures go to `target/concurrency-<backend>.txt`.

use std::collections::BTreeMap;
use std::time::Instant;

use entities::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use entities::{profile, project};
use hasone_tests::{Rng, TestApp, backend_tests, post_json};
use serde_json::{Value, json};

backend_tests!(concurrent_set_and_create_keep_at_most_one_target_per_source);

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

const USERS: u64 = 4;

async fn concurrent_set_and_create_keep_at_most_one_target_per_source(app: TestApp) -> TestApp {
    let tasks = env_usize("HASONE_CONCURRENCY_TASKS", 32);
    let ops = env_usize("HASONE_CONCURRENCY_OPS", 200);
    let profiles: Vec<i32> = profile::Entity::find()
        .all(&app.db)
        .await
        .expect("profiles")
        .iter()
        .map(|p| p.id)
        .take(12)
        .collect();
    let projects: Vec<i32> = project::Entity::find()
        .all(&app.db)
        .await
        .expect("projects")
        .iter()
        .map(|p| p.id)
        .take(12)
        .collect();
    let profiles_before = profile::Entity::find().count(&app.db).await.expect("count");
    let url = format!("{}/graphql", app.url);
    let started = Instant::now();
    let mut handles = Vec::new();
    for task in 0..tasks {
        let (url, profiles, projects) = (url.clone(), profiles.clone(), projects.clone());
        handles.push(tokio::spawn(async move {
            // A client per task: its own connections to the server.
            let client = reqwest::Client::new();
            let mut rng = Rng::for_task(task);
            let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
            let mut created = 0usize;
            for _ in 0..ops {
                let user = rng.below(USERS) + 1;
                let (query, vars, field, kind) = match rng.below(10) {
                    0..=3 => (
                        "mutation($u: ID!, $t: ID) { r: setUserProfile(userId: $u, profileId: $t) { user { id } profile { userId } } }",
                        json!({ "u": user.to_string(), "t": profiles[rng.below(profiles.len() as u64) as usize].to_string() }),
                        "profile",
                        "set",
                    ),
                    4 => (
                        "mutation($u: ID!) { r: setUserProfile(userId: $u, profileId: null) { user { id } profile { userId } } }",
                        json!({ "u": user.to_string() }),
                        "profile",
                        "unlink",
                    ),
                    5..=6 => (
                        "mutation($u: ID!) { r: createUserProfile(userId: $u, input: { bio: \"c\" }) { user { id } profile { userId } } }",
                        json!({ "u": user.to_string() }),
                        "profile",
                        "create",
                    ),
                    _ => (
                        "mutation($u: ID!, $t: ID) { r: setUserProject(userId: $u, projectId: $t) { user { id } project { ownerId } } }",
                        json!({ "u": user.to_string(), "t": projects[rng.below(projects.len() as u64) as usize].to_string() }),
                        "project",
                        "set",
                    ),
                };
                let body = json!({ "query": query, "variables": vars });
                let resp = post_json(&client, &url, &body).await;
                let outcome = match resp["errors"][0]["extensions"]["code"].as_str() {
                    Some(code) => code.to_owned(),
                    None => {
                        let linked = &resp["data"]["r"][field];
                        let owner = linked
                            .get("userId")
                            .or_else(|| linked.get("ownerId"))
                            .cloned()
                            .unwrap_or(Value::Null);
                        if kind != "unlink" {
                            assert_eq!(owner, json!(format!("User:{user}")), "{resp}");
                        }
                        if kind == "create" {
                            created += 1;
                        }
                        "ok".to_owned()
                    }
                };
                *outcomes.entry(outcome).or_default() += 1;
            }
            (outcomes, created)
        }));
    }
    let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
    let mut created = 0;
    for handle in handles {
        let (o, c) = handle.await.expect("task");
        for (k, v) in o {
            *outcomes.entry(k).or_default() += v;
        }
        created += c;
    }
    let elapsed = started.elapsed();

    // At most one target per source and association, and GraphQL agrees
    // with the rows.
    let mut violations = 0;
    for user in 1..=USERS as i32 {
        let linked_profiles = profile::Entity::find()
            .filter(profile::Column::UserId.eq(user))
            .all(&app.db)
            .await
            .expect("profiles");
        let linked_projects = project::Entity::find()
            .filter(project::Column::OwnerId.eq(user))
            .all(&app.db)
            .await
            .expect("projects");
        violations +=
            linked_profiles.len().saturating_sub(1) + linked_projects.len().saturating_sub(1);
        let d = app
            .data(
                "query($u: ID!) { user(id: $u) { profile { rowId } project(scope: []) { rowId } } }",
                json!({ "u": user.to_string() }),
            )
            .await;
        assert_eq!(
            d["user"]["profile"]["rowId"].as_i64(),
            linked_profiles.first().map(|p| i64::from(p.id))
        );
        assert_eq!(
            d["user"]["project"]["rowId"].as_i64(),
            linked_projects.first().map(|p| i64::from(p.id))
        );
    }
    // No lost insert: every successful create left its row.
    let profiles_after = profile::Entity::find().count(&app.db).await.expect("count");
    let figures = format!(
        "backend={:?} tasks={tasks} ops_per_task={ops} operations={} duration_ms={} ops_per_s={:.0} outcomes={outcomes:?} creates={created} violations={violations}\n",
        app.backend,
        tasks * ops,
        elapsed.as_millis(),
        (tasks * ops) as f64 / elapsed.as_secs_f64(),
    );
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(
        dir.join(format!("concurrency-{:?}.txt", app.backend).to_lowercase()),
        &figures,
    );
    eprint!("{figures}");
    assert_eq!(violations, 0, "{figures}");
    assert_eq!(
        profiles_after,
        profiles_before + created as u64,
        "{figures}"
    );
    let failed: Vec<_> = outcomes.keys().filter(|k| *k != "ok").collect();
    assert!(failed.is_empty(), "{figures}");
    assert_eq!(outcomes.values().sum::<usize>(), tasks * ops);
    app
}
