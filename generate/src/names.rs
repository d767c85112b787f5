//! The one way a name from the database reaches generated text. Names are
//! input like any other (issue 22): a column may be called `2col`, `__`,
//! `super`, `prénom`, or hold a newline followed by Rust code. Every name
//! goes through one of these functions on its way into a file:
//!
//! - Rust identifiers: [`rust_ident`] makes one of a word or says why no
//!   escaping can; [`codegen_ident`] is the identifier sea-orm-codegen
//!   writes for a word, accepted only where it is the one [`rust_ident`]
//!   makes (sea-orm-codegen panics on `2col` or `super`, and writes `gen`
//!   unescaped, a keyword in Rust 2024); [`module`], [`field`],
//!   [`column_variant`] and [`relation_variant`] are sea-orm-codegen's and
//!   SeaORM's names of a table or column, so that the code written here
//!   names what they write.
//! - GraphQL names: [`graphql_name`] checks one, [`graphql_field`] is the
//!   field hasone-graphql gives a column (its `camel`), [`pascal`] its
//!   Pascal case.
//! - Text: [`plain`] writes a name on one printable line (controls, bidi
//!   and zero-width characters, `\` and backticks escaped), [`code`] puts
//!   it in backticks; [`markdown`] makes a line of such text safe in a
//!   Markdown table cell, [`doc`] in a `///` or `//!` comment.
//! - Literals: [`rust_str`] writes a Rust string literal, [`toml_str`] a
//!   TOML one.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Keywords that are identifiers only as raw identifiers (`r#type`):
/// strict and reserved keywords of Rust 2024.
const RAW_KEYWORDS: [&str; 49] = [
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
    "return", "static", "struct", "trait", "true", "type", "union", "unsafe", "use", "where",
    "while", "abstract", "become", "box", "do", "final", "gen", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers: they take a `_` suffix.
const PATH_KEYWORDS: [&str; 4] = ["self", "Self", "crate", "super"];

/// sea-orm-codegen's `RUST_KEYWORDS` (its `escape_rust_keyword` writes
/// them raw): [`RAW_KEYWORDS`] without `gen`, with `super`.
const CODEGEN_RAW: [&str; 49] = [
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
    "return", "static", "struct", "super", "trait", "true", "type", "union", "unsafe", "use",
    "where", "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv",
    "try", "typeof", "unsized", "virtual", "yield",
];

/// sea-orm-codegen's `RUST_SPECIAL_KEYWORDS` (written with a `_` suffix).
const CODEGEN_SUFFIXED: [&str; 3] = ["crate", "Self", "self"];

/// The Rust 2024 identifier for `word`: itself, a keyword as a raw
/// identifier (`r#type`), `self`/`Self`/`crate`/`super` with a `_` suffix;
/// `Err` says why no identifier can be made of it (empty, `_`, a leading
/// digit, a character other than ASCII letters, digits and `_`).
pub fn rust_ident(word: &str) -> Result<String, String> {
    let mut chars = word.chars();
    match chars.next() {
        None => return Err("it has no letters or digits".to_owned()),
        Some(c) if c.is_ascii_digit() => {
            return Err(format!("{} starts with a digit", code(word)));
        }
        Some(c) if !(c.is_ascii_alphabetic() || c == '_') => {
            return Err(format!(
                "{} is not ASCII letters, digits and `_`",
                code(word)
            ));
        }
        Some(_) => {}
    }
    if !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!(
            "{} is not ASCII letters, digits and `_`",
            code(word)
        ));
    }
    if word == "_" {
        return Err("`_` is not an identifier".to_owned());
    }
    Ok(if RAW_KEYWORDS.contains(&word) {
        format!("r#{word}")
    } else if PATH_KEYWORDS.contains(&word) {
        format!("{word}_")
    } else {
        word.to_owned()
    })
}

/// The identifier sea-orm-codegen writes for `word` (its
/// `escape_rust_keyword`), when that is the valid one [`rust_ident`]
/// makes; `Err` otherwise (sea-orm-codegen would panic, or write a keyword).
pub fn codegen_ident(word: &str) -> Result<String, String> {
    let ours = rust_ident(word)?;
    let theirs = if CODEGEN_RAW.contains(&word) {
        format!("r#{word}")
    } else if CODEGEN_SUFFIXED.contains(&word) {
        format!("{word}_")
    } else {
        word.to_owned()
    };
    if theirs == ours {
        Ok(ours)
    } else if theirs == format!("r#{word}") {
        Err(format!(
            "sea-orm-codegen would write {}, which cannot be a raw identifier",
            code(&theirs)
        ))
    } else {
        Err(format!(
            "sea-orm-codegen would write {} unescaped, a keyword in Rust 2024",
            code(&theirs)
        ))
    }
}

/// The Rust names sea-orm-codegen gives a database enum: its type (the
/// enum's name in upper camel case) and one variant per value (its
/// `active_enum.rs`: the value trimmed, `__EmptyString` for an empty one,
/// `_` and the value's letters, digits and `_` for a leading digit, upper
/// camel case otherwise, code points `UXXXX` for other characters).
/// `Err` when one of them would be no identifier, a keyword, or a name
/// an entity file already has, or two values would be one variant.
pub fn enum_names(name: &str, values: &[String]) -> Result<(String, Vec<String>), String> {
    let type_name = name.to_upper_camel_case();
    let shown = || code(name);
    match codegen_ident(&type_name) {
        Ok(ident) if ident == type_name && !ENTITY_ITEMS.contains(&ident.as_str()) => {}
        Ok(_) => {
            return Err(format!(
                "the enum {} would be the Rust type {}, which an entity file has already",
                shown(),
                code(&type_name)
            ));
        }
        Err(why) => return Err(format!("the enum {}: {why}", shown())),
    }
    let mut variants: Vec<String> = Vec::with_capacity(values.len());
    for value in values {
        let variant = enum_variant(value);
        if !matches!(codegen_ident(&variant), Ok(ident) if ident == variant) {
            return Err(format!(
                "the value {} of the enum {} would be the Rust variant {}, which is no identifier",
                code(value),
                shown(),
                code(&variant)
            ));
        }
        if let Some(other) = variants.iter().position(|v| *v == variant) {
            return Err(format!(
                "the values {} and {} of the enum {} would both be the Rust variant {}",
                code(&values[other]),
                code(value),
                shown(),
                code(&variant)
            ));
        }
        variants.push(variant);
    }
    Ok((type_name, variants))
}

/// What every entity file of sea-orm-codegen defines or imports by name:
/// an enum type of the same name would clash.
const ENTITY_ITEMS: [&str; 7] = [
    "Model",
    "ActiveModel",
    "Entity",
    "Column",
    "PrimaryKey",
    "Relation",
    "ActiveModelBehavior",
];

/// sea-orm-codegen's variant for an enum value (see [`enum_names`]).
fn enum_variant(value: &str) -> String {
    let v = value.trim();
    if v.is_empty() {
        return "__EmptyString".to_owned();
    }
    let leading_digit = v.starts_with(|c: char| c.is_ascii_digit());
    let valid = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let passthrough = |c: char| matches!(c, '-' | ' ');
    if v.chars().any(|c| !valid(c) && !passthrough(c)) {
        let mut out = String::new();
        if leading_digit {
            out.push('_');
        }
        for c in v.chars() {
            if passthrough(c) {
                continue;
            } else if valid(c) || c.len_utf8() > 1 {
                out.push(c);
            } else {
                out.push_str(&format!("U{:04X}", c as u32));
            }
        }
        out
    } else if leading_digit {
        format!("_{}", v.chars().filter(|&c| valid(c)).collect::<String>())
    } else {
        v.to_upper_camel_case()
    }
}

/// The entity module of a table: sea-orm-codegen's name for it (snake
/// case, keywords escaped).
pub fn module(table: &str) -> Result<String, String> {
    codegen_ident(&table.to_snake_case())
}

/// The file a module is written to: `r#type` → `type.rs`, `self_` →
/// `self_.rs` (sea-orm-codegen names it after the table, `self.rs`, which
/// `pub mod self_;` does not find).
pub fn module_file(module: &str) -> String {
    format!("{}.rs", module.trim_start_matches("r#"))
}

/// The `Model` field of a column: sea-orm-codegen's name for it.
pub fn field(column: &str) -> Result<String, String> {
    codegen_ident(&column.to_snake_case())
}

/// The `Column` variant SeaORM's `DeriveEntityModel` makes of a `Model`
/// field: Pascal case without the `r#`, `Self` escaped (`self_` → `Self_`,
/// `r#type` → `Type`).
pub fn column_variant(field: &str) -> String {
    let pascal = field.trim_start_matches("r#").to_upper_camel_case();
    if CODEGEN_SUFFIXED.contains(&pascal.as_str()) {
        format!("{pascal}_")
    } else {
        pascal
    }
}

/// The `Relation` variant sea-orm-codegen names after a table (unescaped:
/// `self` gives `Self`, which does not compile).
pub fn relation_variant(table: &str) -> String {
    table.to_upper_camel_case()
}

/// `Ok` when `name` is a GraphQL name (`[_A-Za-z][_0-9A-Za-z]*`) that is
/// not reserved for introspection (`__`); `Err` says why not.
pub fn graphql_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let valid = chars
        .next()
        .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric());
    if !valid {
        let why = match name.chars().next() {
            None => "is empty".to_owned(),
            Some(c) if c.is_ascii_digit() => "starts with a digit".to_owned(),
            Some(_) => "is not ASCII letters, digits and `_`".to_owned(),
        };
        return Err(format!("{} {why}", code(name)));
    }
    if name.starts_with("__") {
        return Err(format!(
            "{} starts with `__`, reserved for introspection",
            code(name)
        ));
    }
    Ok(())
}

/// The GraphQL field hasone-graphql gives a column: its `names::camel`
/// (`user_handle` → `userHandle`; `_`, `-` and spaces dropped, the ASCII
/// letter after them upper case, the first lower case).
pub fn graphql_field(column: &str) -> String {
    hasone_graphql::names::camel(column)
}

/// hasone-graphql's `names::pascal`: `billing_address` →
/// `BillingAddress`, `billingAddress` → `BillingAddress`.
pub fn pascal(name: &str) -> String {
    hasone_graphql::names::pascal(name)
}

/// Whether `c` is shown as itself in [`plain`] text: printable, not a
/// backslash or backtick. Rust's own `escape_debug` decides what is
/// printable (it escapes controls, bidi overrides, zero-width characters,
/// line and paragraph separators, combining marks).
fn shown(c: char) -> bool {
    match c {
        '\\' | '`' => false,
        '\'' | '"' => true,
        c => c.escape_debug().len() == 1,
    }
}

/// `\n`, `\r`, `\t`, else `\u{…}`.
fn escape_char(c: char, out: &mut String) {
    match c {
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
    }
}

/// `name` on one printable line without backticks: `\` → `\\`, newline
/// → `\n`, a backtick, control, bidi or zero-width character → `\u{…}`.
/// The same name always gives the same text, and two names give two texts.
pub fn plain(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if shown(c) {
            out.push(c);
        } else {
            escape_char(c, &mut out);
        }
    }
    out
}

/// `name` as a code span: [`plain`] in backticks (it holds no backtick, so
/// the span cannot end early).
pub fn code(name: &str) -> String {
    format!("`{}`", plain(name))
}

/// A line of text made of prose and [`code`] spans, safe in a Markdown
/// table cell (and in rustdoc): one line; `|` escaped everywhere (GitHub
/// tables split cells on it, also inside code spans); outside code spans,
/// the characters that make emphasis, links, HTML or entities escaped.
/// Text with an odd number of backticks (not made of [`code`] spans) has
/// every backtick escaped too.
pub fn markdown(text: &str) -> String {
    let balanced = text.chars().filter(|c| *c == '`').count() % 2 == 0;
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    for c in text.chars() {
        match c {
            '`' if balanced => {
                in_code = !in_code;
                out.push(c);
            }
            '|' => out.push_str("\\|"),
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '~' | '#' | '!' if !in_code => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Text for a `///` or `//!` comment line: [`markdown`] (one line, so it
/// cannot end the comment; rustdoc reads it as Markdown), with `*/`
/// broken outside code spans as well, should the line ever be copied
/// into a block comment.
pub fn doc(text: &str) -> String {
    markdown(text).replace("*/", "*\\/")
}

/// `text` as a Rust string literal, quotes included: `\`, `"`, newlines,
/// tabs, controls, bidi and zero-width characters escaped (rustc refuses
/// unescaped bidi overrides in literals).
pub fn rust_str(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '`' => out.push(c),
            c if shown(c) => out.push(c),
            c => escape_char(c, &mut out),
        }
    }
    out.push('"');
    out
}

/// `text` as a TOML basic string, quotes included: `\`, `"`, controls
/// and non-printable characters escaped (`\uXXXX`, `\UXXXXXXXX`).
pub fn toml_str(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '`' | '\'' => out.push(c),
            c if shown(c) => out.push(c),
            c if u32::from(c) <= 0xFFFF => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push_str(&format!("\\U{:08X}", u32::from(c))),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names as an attacker would choose them.
    const HOSTILE: [&str; 24] = [
        "owner_id\npub fn injected() {}\n//",
        "a */ fn injected() {} /*",
        "back`tick`",
        "pipe|cell",
        "quote\"d",
        "it's",
        "back\\slash",
        "2col",
        "__",
        "_",
        "",
        "self",
        "Self",
        "crate",
        "super",
        "type",
        "gen",
        "prénom",
        "e\u{301}",
        "bidi\u{202e}evil",
        "zero\u{200b}width",
        "line\u{2028}sep",
        "nul\u{0}",
        "cr\rlf",
    ];

    #[test]
    fn identifiers_are_valid_or_refused() {
        assert_eq!(rust_ident("user_id").as_deref(), Ok("user_id"));
        assert_eq!(rust_ident("type").as_deref(), Ok("r#type"));
        assert_eq!(rust_ident("gen").as_deref(), Ok("r#gen"));
        for keyword in ["self", "Self", "crate", "super"] {
            assert_eq!(rust_ident(keyword), Ok(format!("{keyword}_")));
        }
        assert_eq!(rust_ident("_x").as_deref(), Ok("_x"));
        for refused in ["", "_", "2col", "prénom", "a b", "a\nb", "r#x", "a-b"] {
            assert!(rust_ident(refused).is_err(), "{refused:?}");
        }
        // Every identifier made of a hostile name is one identifier token.
        for name in HOSTILE {
            if let Ok(ident) = rust_ident(name) {
                let bare = ident.trim_start_matches("r#");
                assert!(
                    bare.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                    "{name:?} → {ident}"
                );
            }
        }
    }

    #[test]
    fn codegen_identifiers_only_where_they_compile() {
        assert_eq!(codegen_ident("type").as_deref(), Ok("r#type"));
        assert_eq!(codegen_ident("self").as_deref(), Ok("self_"));
        assert_eq!(codegen_ident("crate").as_deref(), Ok("crate_"));
        assert!(
            codegen_ident("super")
                .unwrap_err()
                .contains("raw identifier")
        );
        assert!(codegen_ident("gen").unwrap_err().contains("Rust 2024"));
        assert!(codegen_ident("2col").unwrap_err().contains("digit"));
        assert!(codegen_ident("").is_err());
    }

    #[test]
    fn sea_orm_names() {
        assert_eq!(module("UserProfiles").as_deref(), Ok("user_profiles"));
        assert_eq!(module("type").as_deref(), Ok("r#type"));
        assert_eq!(module("Self").as_deref(), Ok("self_"));
        assert!(module("super").is_err());
        assert!(module("2fa").is_err());
        assert!(module("__").is_err());
        assert!(module("café").is_err());
        assert_eq!(module_file("r#type"), "type.rs");
        assert_eq!(module_file("self_"), "self_.rs");
        assert_eq!(module_file("crate_"), "crate_.rs");
        assert_eq!(field("display name").as_deref(), Ok("display_name"));
        assert_eq!(field("__typename").as_deref(), Ok("typename"));
        assert_eq!(field("Self").as_deref(), Ok("self_"));
        assert_eq!(column_variant("self_"), "Self_");
        assert_eq!(column_variant("r#type"), "Type");
        assert_eq!(column_variant("crate_"), "Crate");
        assert_eq!(column_variant("user_id"), "UserId");
        assert_eq!(relation_variant("self"), "Self");
        assert_eq!(relation_variant("user_profiles"), "UserProfiles");
    }

    #[test]
    fn graphql_names() {
        for name in ["user", "User", "_x", "a1", "Query", "String", "typename"] {
            assert_eq!(graphql_name(name), Ok(()), "{name}");
        }
        for name in [
            "",
            "2col",
            "__typename",
            "__Type",
            "prénom",
            "a-b",
            "a b",
            "a\nb",
        ] {
            assert!(graphql_name(name).is_err(), "{name:?}");
        }
        for name in HOSTILE {
            let field = graphql_field(name);
            if graphql_name(&field).is_ok() {
                assert!(field.chars().all(|c| c.is_ascii_alphanumeric()), "{name:?}");
            }
        }
        assert_eq!(graphql_field("user_handle"), "userHandle");
        assert_eq!(graphql_field("display name"), "displayName");
        assert_eq!(graphql_field("__typename"), "typename");
        assert_eq!(graphql_field("Self"), "self");
        assert_eq!(graphql_field("userID"), "userID");
        assert_eq!(graphql_field("__"), "");
        assert_eq!(graphql_field("2col"), "2col");
        assert_eq!(pascal("billing_address"), "BillingAddress");
        // Case-only clashes give one GraphQL field.
        assert_eq!(graphql_field("Name"), graphql_field("name"));
    }

    #[test]
    fn plain_text_is_one_printable_line() {
        assert_eq!(plain("user_id"), "user_id");
        assert_eq!(
            plain("owner_id\npub fn injected() {}\n//"),
            "owner_id\\npub fn injected() {}\\n//"
        );
        assert_eq!(plain("back`tick`"), "back\\u{60}tick\\u{60}");
        assert_eq!(plain("bidi\u{202e}evil"), "bidi\\u{202e}evil");
        assert_eq!(plain("zero\u{200b}width"), "zero\\u{200b}width");
        assert_eq!(plain("nul\u{0}"), "nul\\u{0}");
        assert_eq!(plain("back\\slash"), "back\\\\slash");
        assert_eq!(plain("prénom"), "prénom");
        assert_eq!(plain("quote\"d it's"), "quote\"d it's");
        for name in HOSTILE {
            let text = plain(name);
            assert!(
                !text.contains(['\n', '\r', '`', '\u{2028}', '\u{202e}']),
                "{text}"
            );
            assert!(text.chars().all(|c| !c.is_control()), "{text}");
        }
        // Two names, two texts.
        let mut texts: Vec<String> = HOSTILE.iter().map(|n| plain(n)).collect();
        texts.sort();
        texts.dedup();
        assert_eq!(texts.len(), HOSTILE.len());
        assert_eq!(code("a`b"), "`a\\u{60}b`");
    }

    #[test]
    fn markdown_cells_keep_their_shape() {
        assert_eq!(
            markdown(&format!("table {}: no primary key", code("a|b"))),
            "table `a\\|b`: no primary key"
        );
        assert_eq!(
            markdown("<b>*x*</b> [l](u) & _y_"),
            "\\<b\\>\\*x\\*\\</b\\> \\[l\\](u) \\& \\_y\\_"
        );
        assert_eq!(markdown("a `<b>` c"), "a `<b>` c");
        assert_eq!(markdown("odd ` <b>"), "odd \\` \\<b\\>");
        for name in HOSTILE {
            let cell = markdown(&format!("column {} of {}", code(name), code(name)));
            assert!(!cell.contains(['\n', '\r']), "{cell}");
            assert!(
                !cell.replace("\\|", "").contains('|'),
                "an unescaped `|`: {cell}"
            );
            assert_eq!(cell.matches('`').count(), 4, "{cell}");
        }
    }

    #[test]
    fn doc_comments_stay_one_comment() {
        let text = doc(&format!(
            "a */ b {} c",
            code("owner_id\npub fn injected() {}\n// */")
        ));
        assert!(!text.contains('\n'));
        assert!(text.starts_with("a \\*\\/ b `owner_id\\npub fn injected() {}\\n// *\\/`"));
        for name in HOSTILE {
            let text = doc(&code(name));
            assert!(!text.contains(['\n', '\r', '\u{2028}', '\u{2029}', '\u{202e}']));
            assert!(!text.contains("*/"), "{text}");
        }
    }

    #[test]
    fn string_literals_escape_everything_that_ends_them() {
        assert_eq!(rust_str("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
        assert_eq!(rust_str("{x} `y` 'z'"), "\"{x} `y` 'z'\"");
        assert_eq!(rust_str("bidi\u{202e}"), "\"bidi\\u{202e}\"");
        assert_eq!(toml_str("a\"b\\c\nd\u{202e}"), "\"a\\\"b\\\\c\\nd\\u202E\"");
        assert_eq!(toml_str("\u{1d}"), "\"\\u001D\"");
        for name in HOSTILE {
            for literal in [rust_str(name), toml_str(name)] {
                let inner = &literal[1..literal.len() - 1];
                // No quote ends it early: every `"` inside is escaped.
                let mut escaped = false;
                for c in inner.chars() {
                    assert!(escaped || c != '"', "{literal}");
                    escaped = !escaped && c == '\\';
                }
                assert!(!escaped, "{literal}");
                assert!(
                    !inner.contains(['\n', '\r', '\u{202e}', '\u{0}']),
                    "{literal}"
                );
            }
        }
    }
}
