//! The names the schema gives each object and association: its types,
//! mutations, arguments and subscription, and how changes name it.

use super::{AssocSpec, ObjectSpec, Registry};
use crate::names::{camel, pascal};

impl ObjectSpec {
    pub fn scope_enum(&self) -> String {
        format!("{}Scope", self.name)
    }

    pub fn create_input(&self) -> String {
        format!("Create{}Input", self.name)
    }

    pub fn update_input(&self) -> String {
        format!("Update{}Input", self.name)
    }
}

impl AssocSpec {
    /// `SetUserBillingAddressPayload`.
    pub fn payload(&self, registry: &Registry, verb: &str) -> String {
        format!(
            "{verb}{}{}Payload",
            registry[self.source].name,
            pascal(&self.field)
        )
    }

    /// `setUserBillingAddress`.
    pub fn mutation(&self, registry: &Registry, verb: &str) -> String {
        format!(
            "{verb}{}{}",
            registry[self.source].name,
            pascal(&self.field)
        )
    }

    /// `userId`.
    pub fn source_arg(&self, registry: &Registry) -> String {
        format!("{}Id", camel(&registry[self.source].name))
    }

    /// `billingAddressId`.
    pub fn target_arg(&self) -> String {
        format!("{}Id", self.field)
    }

    /// How changes name the association: `User.profile`.
    pub fn change_key(&self, registry: &Registry) -> String {
        format!("{}.{}", registry[self.source].name, self.field)
    }

    /// `userProfileChanged`.
    pub fn subscription(&self, registry: &Registry) -> String {
        format!(
            "{}{}Changed",
            camel(&registry[self.source].name),
            pascal(&self.field)
        )
    }

    /// `UserProfileChange`.
    pub fn change_type(&self, registry: &Registry) -> String {
        format!(
            "{}{}Change",
            registry[self.source].name,
            pascal(&self.field)
        )
    }

    /// The payload's field for the source (`user`).
    pub fn source_field(&self, registry: &Registry) -> String {
        camel(&registry[self.source].name)
    }
}
