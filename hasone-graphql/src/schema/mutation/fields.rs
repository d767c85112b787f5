//! The mutation fields as the schema shows them: names, arguments and
//! descriptions.

use async_graphql::registry::MetaField;

use super::{Spec, specs};
use crate::names::{and_list, article, camel, pascal};
use crate::registry::{AssocSpec, Registry};
use crate::schema::meta::{arg, field};

/// `setProfile`, `createBillingAddress`: Sequelize's accessor names.
fn accessor(verb: &str, assoc: &AssocSpec) -> String {
    format!("{verb}{}", pascal(&assoc.field))
}

pub(crate) fn fields(registry: &Registry) -> Vec<MetaField> {
    specs(registry)
        .into_iter()
        .map(|(name, spec)| match spec {
            Spec::Set(a) => set_field(registry, &registry[a], &name),
            Spec::Create(a) => create_field(registry, &registry[a], &name),
            Spec::Insert(o) => {
                let object = &registry[o];
                let linked = object.target.then(|| {
                    registry
                        .associations
                        .iter()
                        .filter(|a| a.target == o)
                        .map(|a| format!("`{}`", a.mutation(registry, "set")))
                        .collect::<Vec<_>>()
                        .join(", ")
                });
                let a = article(&object.name);
                let description = match linked {
                    Some(with) => format!(
                        "Creates {a} `{}` linked to nobody (link it with {with}).",
                        object.name
                    ),
                    None => format!("Creates {a} `{}`.", object.name),
                };
                let mut f = field(&name, &object.name, &description);
                for (_, column) in object.scope_columns() {
                    f.args.extend([arg(
                        &column.field,
                        &format!("{}!", column.kind.graphql_type()),
                        &column.description,
                    )]);
                }
                f.args.extend([arg(
                    "input",
                    &format!("{}!", object.create_input()),
                    "Values of the new row.",
                )]);
                f
            }
            Spec::Update(o) => {
                let object = &registry[o];
                let a = article(&object.name);
                let description = if object.target {
                    format!(
                        "Updates {a} `{}`'s own columns (its link moves with `set*`).",
                        object.name
                    )
                } else {
                    format!("Updates {a} `{}`.", object.name)
                };
                let mut f = field(&name, &object.name, &description);
                f.args.extend([
                    arg("id", "ID!", "Global id or row id."),
                    arg(
                        "input",
                        &format!("{}!", object.update_input()),
                        "The columns to change.",
                    ),
                ]);
                f
            }
            Spec::Delete(o) => {
                let object = &registry[o];
                let (mut stay, mut go) = (Vec::new(), Vec::new());
                for assoc in registry.associations.iter().filter(|a| a.source == o) {
                    let name = format!("`{}`", assoc.field);
                    match assoc.ops.delete_rule() {
                        hasone::OnDelete::Cascade => go.push(name),
                        hasone::OnDelete::SetNull => stay.push(name),
                    }
                }
                let mut description = format!(
                    "Deletes {} `{}`; returns its global id.",
                    article(&object.name),
                    object.name
                );
                if !stay.is_empty() || !go.is_empty() {
                    description.push_str(
                        " Its targets follow each association's `onDelete`, in every schema:",
                    );
                    if !stay.is_empty() {
                        description.push_str(&format!(" {} stay, unlinked", and_list(&stay)));
                    }
                    if !go.is_empty() {
                        description.push_str(&format!(
                            "{} {} deleted with it",
                            if stay.is_empty() { "" } else { ";" },
                            and_list(&go)
                        ));
                    }
                    description.push('.');
                }
                let mut f = field(&name, "ID", &description);
                f.args.extend([arg("id", "ID!", "Global id or row id.")]);
                f
            }
        })
        .collect()
}

fn set_field(registry: &Registry, assoc: &AssocSpec, name: &str) -> MetaField {
    let source = &registry[assoc.source];
    let target = &registry[assoc.target];
    let scope = scope_text(assoc);
    let (verb, null) = if assoc.ops.destroys_previous() {
        (
            "deletes",
            if assoc.ops.unlinkable() {
                "null only deletes it"
            } else {
                "null is refused (BAD_USER_INPUT): its foreign key is NOT NULL"
            },
        )
    } else {
        ("unlinks", "null only unlinks")
    };
    let mut description = format!(
        "`{}.{}({})`: {verb} the current `{}` and links this one{scope}; {null}.",
        camel(&source.name),
        accessor("set", assoc),
        camel(&target.name),
        target.name,
    );
    description.push_str(&no_key_note(registry, assoc));
    let mut f = field(name, &assoc.payload(registry, "Set"), &description);
    f.args.extend([
        source_id_arg(registry, assoc),
        arg(
            &assoc.target_arg(),
            "ID",
            "The target to link (global id or row id); null only unlinks the current one.",
        ),
    ]);
    if registry.tenancy {
        f.args.extend([arg(
            "schema",
            "String",
            "Read and write the target table in this allowlisted schema.",
        )]);
    }
    f
}

fn create_field(registry: &Registry, assoc: &AssocSpec, name: &str) -> MetaField {
    let source = &registry[assoc.source];
    let target = &registry[assoc.target];
    let previous = if assoc.ops.destroys_previous() {
        format!("deleting the current `{}`", target.name)
    } else {
        format!("unlinking the current `{}`", target.name)
    };
    let mut description = format!(
        "`{}.{}(values)`: creates {} `{}` linked to the {}{}, {previous}.",
        camel(&source.name),
        accessor("create", assoc),
        article(&target.name),
        target.name,
        camel(&source.name),
        scope_text(assoc),
    );
    description.push_str(&no_key_note(registry, assoc));
    let mut f = field(name, &assoc.payload(registry, "Create"), &description);
    f.args.extend([
        source_id_arg(registry, assoc),
        arg(
            "input",
            &format!("{}!", target.create_input()),
            "Values of the new target.",
        ),
    ]);
    if registry.tenancy {
        f.args.extend([arg(
            "schema",
            "String",
            "Create the target in this allowlisted schema.",
        )]);
    }
    f
}

/// The `<source>Id: ID!` argument of `assoc`'s fields.
pub(crate) fn source_id_arg(
    registry: &Registry,
    assoc: &AssocSpec,
) -> (String, async_graphql::registry::MetaInputValue) {
    arg(
        &assoc.source_arg(registry),
        "ID!",
        "The source: its global id or row id.",
    )
}

/// What happens to a source without a key (a nullable source key other
/// than the primary key).
fn no_key_note(registry: &Registry, assoc: &AssocSpec) -> String {
    match assoc.ops.nullable_source_key() {
        Some(column) => format!(
            " Refused with CONFLICT when the {} has no `{column}`.",
            camel(&registry[assoc.source].name)
        ),
        None => String::new(),
    }
}

/// ` (setting `kind = billing`)`, or nothing without an association scope.
fn scope_text(assoc: &AssocSpec) -> String {
    let columns = assoc.ops.scope_assignments();
    if columns.is_empty() {
        return String::new();
    }
    format!(" (setting {})", columns.join(", "))
}
