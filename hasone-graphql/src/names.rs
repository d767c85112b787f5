//! Names: SQL's snake case to GraphQL's camel and Pascal case.

/// `user_handle` → `userHandle`.
pub fn camel(name: &str) -> String {
    let pascal = pascal(name);
    let mut chars = pascal.chars();
    match chars.next() {
        Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// `billing_address` → `BillingAddress`; `billingAddress` → `BillingAddress`.
pub fn pascal(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = true;
    for c in name.chars() {
        if c == '_' || c == '-' || c == ' ' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `a` or `an`, for a name.
pub fn article(name: &str) -> &'static str {
    let lower: Vec<char> = name
        .chars()
        .take(3)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let vowel = |c: &char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u');
    match lower.as_slice() {
        // A `User`, a `Unit`: a `u` that sounds "you" (consonant, vowel).
        ['u', second, third] if !vowel(second) && vowel(third) => "a",
        [first, ..] if vowel(first) => "an",
        _ => "a",
    }
}

/// `a`, `a and b`, `a, b and c`.
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases() {
        assert_eq!(camel("user_handle"), "userHandle");
        assert_eq!(camel("id"), "id");
        assert_eq!(camel("billingAddress"), "billingAddress");
        assert_eq!(pascal("billingAddress"), "BillingAddress");
        assert_eq!(pascal("head_office"), "HeadOffice");
        assert_eq!(pascal("profile"), "Profile");
    }

    #[test]
    fn articles() {
        for (name, article_of) in [
            ("User", "a"),
            ("Unit", "a"),
            ("Address", "an"),
            ("Update", "an"),
            ("Umbrella", "an"),
            ("Profile", "a"),
            ("Ox", "an"),
            ("U", "an"),
        ] {
            assert_eq!(article(name), article_of, "{name}");
        }
    }
}
