//! Requests generated from fuzzer bytes, made of the schema's own names so
//! that they get past parsing and validation into the resolvers, and of
//! the shapes that broke servers before: values and selections nested
//! thousands deep, fragments spreading each other twice over (or in a
//! cycle), directives on `__typename`, batches, odd content types and NUL
//! characters.

use std::fmt::Write as _;

use arbitrary::{Result, Unstructured};
use serde_json::{Value, json};

use crate::{Outgoing, post};

const FIELDS: &[&str] = &[
    "user",
    "users",
    "node",
    "edges",
    "node",
    "nodes",
    "pageInfo",
    "hasNextPage",
    "endCursor",
    "totalCount",
    "cursor",
    "id",
    "rowId",
    "name",
    "email",
    "handle",
    "profile",
    "billingAddress",
    "shippingAddress",
    "project",
    "settings",
    "owner",
    "bio",
    "visibility",
    "kind",
    "street",
    "city",
    "country",
    "verified",
    "archived",
    "theme",
    "notifications",
    "userId",
    "ownerId",
    "userHandle",
    "previous",
    "__typename",
    "__schema",
    "__type",
    "types",
    "fields",
    "ofType",
    "nope",
];
const MUTATIONS: &[&str] = &[
    "setUserProfile",
    "createUserProfile",
    "setUserBillingAddress",
    "createUserShippingAddress",
    "setUserProject",
    "createUserProject",
    "setUserSettings",
    "createUserSettings",
    "createUser",
    "updateUser",
    "deleteUser",
    "createProfile",
    "updateProfile",
    "deleteProfile",
    "createAddress",
    "deleteAddress",
    "updateSettings",
];
const ARGS: &[&str] = &[
    "id",
    "first",
    "after",
    "scope",
    "schema",
    "userId",
    "profileId",
    "projectId",
    "settingsId",
    "billingAddressId",
    "input",
    "kind",
    "name",
];
const INPUT_FIELDS: &[&str] = &[
    "bio",
    "visibility",
    "name",
    "email",
    "handle",
    "street",
    "city",
    "country",
    "verified",
    "archived",
    "theme",
    "notifications",
];
const ENUMS: &[&str] = &[
    "DEFAULT", "PUBLIC", "PRIVATE", "ARCHIVED", "ACTIVE", "VERIFIED", "BILLING", "SHIPPING",
    "DARK", "LIGHT", "true", "false", "null", "NOPE",
];
const TYPES: &[&str] = &[
    "QueryRoot",
    "MutationRoot",
    "User",
    "Profile",
    "Address",
    "Project",
    "Settings",
    "Node",
    "UserConnection",
    "Nope",
];
const STRINGS: &[&str] = &[
    "User:1",
    "User:2",
    "Profile:1",
    "Profile:tenant_a:1",
    "1",
    "2",
    "-1",
    "99999",
    "",
    "tenant_a",
    "public",
    "x\u{0}y",
    "\u{1F980}",
    "a@b",
    "after:3",
    "Project:1",
];
const SCALAR_TYPES: &[&str] = &[
    "ID",
    "ID!",
    "Int",
    "String",
    "Boolean!",
    "[ProfileScope!]",
    "CreateProfileInput!",
];

fn pick<'a>(u: &mut Unstructured<'_>, from: &[&'a str]) -> Result<&'a str> {
    Ok(from[u.choose_index(from.len())?])
}

/// A request to send.
pub fn request(u: &mut Unstructured<'_>) -> Result<Outgoing> {
    let doc = document(u)?;
    Ok(match u.int_in_range(0..=9u8)? {
        0 | 1 => Outgoing::Get {
            query: doc,
            preflight: u.ratio(9, 10)?,
        },
        2 => {
            let n = u.int_in_range(1..=12usize)?;
            let mut batch = Vec::with_capacity(n);
            for _ in 0..n {
                batch.push(json!({ "query": document(u)?, "variables": json_value(u, 3)? }));
            }
            post(&Value::Array(batch))
        }
        3 => Outgoing::Post {
            body: json!({ "query": doc }).to_string().into_bytes(),
            content_type: u.choose(&[
                "text/plain",
                "application/json; charset=utf-8",
                "application/graphql-response+json",
                "",
            ])?,
        },
        4 => post(&json!({
            "query": doc,
            "variables": json_value(u, 6)?,
            "operationName": *u.choose(&[Value::Null, json!("A"), json!(1)])?,
            "extensions": json_value(u, 2)?,
        })),
        _ => post(&json!({ "query": doc, "variables": { "v": json_value(u, 4)? } })),
    })
}

/// A whole document: an operation and fragments.
fn document(u: &mut Unstructured<'_>) -> Result<String> {
    let mut out = String::new();
    let fragments = u.int_in_range(0..=6usize)?;
    let mutation = u.ratio(1, 4)?;
    match u.int_in_range(0..=3u8)? {
        0 => {}
        1 => out.push_str(if mutation { "mutation " } else { "query " }),
        2 => out.push_str(if mutation {
            "mutation A($v: "
        } else {
            "query A($v: "
        }),
        _ => out.push_str("subscription "),
    }
    if out.ends_with("($v: ") {
        out.push_str(pick(u, SCALAR_TYPES)?);
        if u.ratio(1, 3)? {
            out.push_str(" = ");
            value(u, &mut out, 3)?;
        }
        out.push_str(") ");
    }
    let roots = if mutation { MUTATIONS } else { FIELDS };
    selection_set(u, &mut out, roots, fragments, 5)?;
    for i in 0..fragments {
        write!(out, " fragment F{i} on {} ", pick(u, TYPES)?).ok();
        selection_set(u, &mut out, FIELDS, fragments, 3)?;
    }
    Ok(out)
}

fn selection_set(
    u: &mut Unstructured<'_>,
    out: &mut String,
    names: &[&str],
    fragments: usize,
    depth: u32,
) -> Result<()> {
    // Now and then, thousands of levels: the shape of the stack overflow.
    if u.ratio(1, 40)? {
        let levels = u.int_in_range(30..=3000usize)?;
        out.push_str(&"{ user(id: 1) { profile ".repeat(levels));
        out.push_str("{ id }");
        out.push_str(&" }".repeat(2 * levels));
        return Ok(());
    }
    out.push('{');
    let n = u.int_in_range(1..=4usize)?;
    for _ in 0..n {
        out.push(' ');
        match u.int_in_range(0..=9u8)? {
            0 if fragments > 0 => {
                write!(out, "...F{}", u.choose_index(fragments)?).ok();
                // Spread twice: the doubling of a fragment explosion.
                if u.ratio(1, 2)? {
                    write!(out, " ...F{}", u.choose_index(fragments)?).ok();
                }
            }
            1 => {
                write!(out, "... on {} ", pick(u, TYPES)?).ok();
                if depth > 0 {
                    selection_set(u, out, FIELDS, fragments, depth - 1)?;
                } else {
                    out.push_str("{ __typename }");
                }
            }
            _ => field(u, out, names, fragments, depth)?,
        }
    }
    out.push_str(" }");
    Ok(())
}

fn field(
    u: &mut Unstructured<'_>,
    out: &mut String,
    names: &[&str],
    fragments: usize,
    depth: u32,
) -> Result<()> {
    if u.ratio(1, 5)? {
        write!(out, "a{}: ", u.int_in_range(0..=40u8)?).ok();
    }
    out.push_str(pick(u, names)?);
    if u.ratio(1, 2)? {
        out.push('(');
        for i in 0..u.int_in_range(1..=3usize)? {
            if i > 0 {
                out.push_str(", ");
            }
            write!(out, "{}: ", pick(u, ARGS)?).ok();
            value(u, out, 4)?;
        }
        out.push(')');
    }
    if u.ratio(1, 6)? {
        let (name, arg) = *u.choose(&[
            ("skip", "if"),
            ("include", "if"),
            ("skip", "unless"),
            ("foo", "bar"),
            ("deprecated", "reason"),
        ])?;
        write!(out, " @{name}").ok();
        if u.ratio(4, 5)? {
            write!(out, "({arg}: ").ok();
            value(u, out, 2)?;
            out.push(')');
        }
    }
    if depth > 0 && u.ratio(2, 3)? {
        out.push(' ');
        selection_set(u, out, FIELDS, fragments, depth - 1)?;
    }
    Ok(())
}

fn value(u: &mut Unstructured<'_>, out: &mut String, depth: u32) -> Result<()> {
    match u.int_in_range(0..=9u8)? {
        0 => write!(out, "{}", u.int_in_range(-3..=120i64)?).ok(),
        1 | 2 => write!(out, "{:?}", pick(u, STRINGS)?).ok(),
        3 => write!(out, "{}", pick(u, ENUMS)?).ok(),
        4 => write!(out, "$v").ok(),
        5 if depth > 0 => {
            out.push('[');
            for _ in 0..u.int_in_range(0..=3usize)? {
                value(u, out, depth - 1)?;
                out.push(' ');
            }
            out.push(']');
            None
        }
        6 if depth > 0 => {
            out.push('{');
            for _ in 0..u.int_in_range(0..=3usize)? {
                write!(out, "{}: ", pick(u, INPUT_FIELDS)?).ok();
                value(u, out, depth - 1)?;
                out.push(' ');
            }
            out.push('}');
            None
        }
        7 => {
            // A value nested far deeper than any limit.
            let levels = u.int_in_range(30..=4000usize)?;
            let (open, close) = *u.choose(&[("[", "]"), ("{a: ", "}")])?;
            out.push_str(&open.repeat(levels));
            out.push('1');
            out.push_str(&close.repeat(levels));
            None
        }
        8 => write!(out, "\"\"\"{}\"\"\"", pick(u, STRINGS)?).ok(),
        _ => write!(out, "{}", u.int_in_range(0..=3u8)? == 0).ok(),
    };
    Ok(())
}

/// A JSON value for variables and extensions.
fn json_value(u: &mut Unstructured<'_>, depth: u32) -> Result<Value> {
    Ok(match u.int_in_range(0..=7u8)? {
        0 => Value::Null,
        1 => json!(u.int_in_range(-5..=200i64)?),
        2 => json!(pick(u, STRINGS)?),
        3 => json!(pick(u, ENUMS)?),
        4 if depth > 0 => {
            let mut list = Vec::new();
            for _ in 0..u.int_in_range(0..=3usize)? {
                list.push(json_value(u, depth - 1)?);
            }
            Value::Array(list)
        }
        5 if depth > 0 => {
            let mut map = serde_json::Map::new();
            for _ in 0..u.int_in_range(0..=3usize)? {
                map.insert(pick(u, INPUT_FIELDS)?.to_owned(), json_value(u, depth - 1)?);
            }
            Value::Object(map)
        }
        6 => {
            // Deeper than serde_json's recursion limit, as text.
            let levels = u.int_in_range(10..=200usize)?;
            serde_json::from_str(&format!("{}1{}", "[".repeat(levels), "]".repeat(levels)))
                .unwrap_or(Value::Null)
        }
        _ => json!(u.arbitrary::<bool>()?),
    })
}
