//! GraphQL object, input and enum types, one module per entity.

pub mod address;
pub mod profile;
pub mod project;
pub mod settings;
pub mod user;

pub use address::Address;
pub use profile::Profile;
pub use project::Project;
pub use settings::Settings;
pub use user::User;

use sea_orm::ActiveModelTrait;

use super::error::ApiError;

/// A create input: validated, then turned into the entity's active model.
pub trait Input {
    type ActiveModel: ActiveModelTrait + Send;
    fn into_active_model(self) -> Result<Self::ActiveModel, ApiError>;
}

/// Longest text a column takes (`VARCHAR(255)` on every backend).
const MAX_TEXT: usize = 255;

/// Checks a text field: at least `min` and at most 255 characters, and no
/// NUL character (PostgreSQL cannot store one in text; SQLite and MariaDB
/// could, but the same input must mean the same on every backend).
pub fn text(field: &str, value: String, min: usize) -> Result<String, ApiError> {
    if value.contains('\0') {
        return Err(ApiError::bad_input(format!(
            "field `{field}` must not contain a NUL character"
        )));
    }
    let len = value.chars().count();
    if len < min || len > MAX_TEXT {
        return Err(ApiError::bad_input(format!(
            "field `{field}` must have {min} to {MAX_TEXT} characters, got {len}"
        )));
    }
    Ok(value)
}
