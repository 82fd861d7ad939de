//! What the API document says of inputs that a type alone cannot: the fixed sets of words the
//! service accepts, exactly, so that generated clients get enums that match.

use utoipa::openapi::schema::Type;
use utoipa::openapi::{Object, ObjectBuilder};

/// A string that is one of `values`.
fn one_of(values: &[&str], what: &str) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values.iter().copied()))
        .description(Some(what))
        .build()
}

pub fn end_user_client() -> Object {
    one_of(
        &["web", "native"],
        "How the end user reached us: the link page or the assist app.",
    )
}

pub fn decision() -> Object {
    one_of(&["allow", "deny"], "The end user's answer.")
}

pub fn role() -> Object {
    one_of(&["admin", "agent"], "An administrator may do everything.")
}
