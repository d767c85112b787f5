//! The GraphQL types of a registry, written into async-graphql's own
//! registry: what `print-schema`, introspection and validation read.
//!
//! Every type, field, argument, input field and enum value gets a
//! description: the declaration's, or one made from it.

use async_graphql::OutputType;
use async_graphql::connection::PageInfo;
use async_graphql::registry::{
    CacheControl, Deprecation, MetaEnumValue, MetaField, MetaInputValue, MetaType, Registry as Meta,
};
use indexmap::{IndexMap, IndexSet};

use crate::names::{and_list, article, camel};
use crate::registry::{AssocSpec, ColumnRole, FieldSpec, ObjectSpec, Registry};
use crate::value::{ColumnKind, custom_scalars};

/// The Relay `Node` interface.
pub(crate) const NODE: &str = "Node";

/// Global ids as the application's own types write them, for
/// descriptions: `` `Company:1` ``, and with tenancy also a target's tenant
/// form.
pub(crate) fn id_examples(registry: &Registry) -> String {
    let mut text = match registry.objects.iter().find(|o| o.pk.is_some()) {
        Some(object) => format!("`{}:1`", object.name),
        None => "`<Type>:<rowId>`".to_owned(),
    };
    if let Some(target) = registry.objects.iter().find(|o| o.tenant) {
        text.push_str(&format!(
            ", or `{}:<schema>:1` for a row of a tenant schema",
            target.name
        ));
    }
    text
}

/// The description of `scope` arguments.
const SCOPE_ARG: &str = "Model scopes of the target: omitted, the default scope; `[]`, none; `[X]`, X instead of the default; `[DEFAULT, X]`, both merged in order.";

pub(crate) fn field(name: &str, ty: &str, description: &str) -> MetaField {
    MetaField {
        name: name.to_owned(),
        description: Some(description.to_owned()),
        args: IndexMap::new(),
        ty: ty.to_owned(),
        deprecation: Deprecation::NoDeprecated,
        cache_control: CacheControl::default(),
        external: false,
        requires: None,
        provides: None,
        visible: None,
        shareable: false,
        inaccessible: false,
        tags: Vec::new(),
        override_from: None,
        compute_complexity: None,
        directive_invocations: Vec::new(),
        requires_scopes: Vec::new(),
    }
}

pub(crate) fn arg(name: &str, ty: &str, description: &str) -> (String, MetaInputValue) {
    (
        name.to_owned(),
        MetaInputValue {
            name: name.to_owned(),
            description: Some(description.to_owned()),
            ty: ty.to_owned(),
            deprecation: Deprecation::NoDeprecated,
            default_value: None,
            visible: None,
            inaccessible: false,
            tags: Vec::new(),
            is_secret: false,
            directive_invocations: Vec::new(),
        },
    )
}

fn with_args(
    mut field: MetaField,
    args: impl IntoIterator<Item = (String, MetaInputValue)>,
) -> MetaField {
    field.args.extend(args);
    field
}

pub(crate) fn object_type_of(name: &str, description: &str, fields: Vec<MetaField>) -> MetaType {
    MetaType::Object {
        name: name.to_owned(),
        description: Some(description.to_owned()),
        fields: fields.into_iter().map(|f| (f.name.clone(), f)).collect(),
        cache_control: CacheControl::default(),
        extends: false,
        shareable: false,
        resolvable: true,
        keys: None,
        visible: None,
        inaccessible: false,
        interface_object: false,
        tags: Vec::new(),
        is_subscription: false,
        rust_typename: None,
        directive_invocations: Vec::new(),
        requires_scopes: Vec::new(),
    }
}

fn enumeration(name: &str, description: &str, values: &[(String, String)]) -> MetaType {
    MetaType::Enum {
        name: name.to_owned(),
        description: Some(description.to_owned()),
        enum_values: values
            .iter()
            .map(|(value, description)| {
                (
                    value.clone(),
                    MetaEnumValue {
                        name: value.clone(),
                        description: Some(description.clone()),
                        deprecation: Deprecation::NoDeprecated,
                        visible: None,
                        inaccessible: false,
                        tags: Vec::new(),
                        directive_invocations: Vec::new(),
                    },
                )
            })
            .collect(),
        visible: None,
        inaccessible: false,
        tags: Vec::new(),
        rust_typename: None,
        directive_invocations: Vec::new(),
        requires_scopes: Vec::new(),
    }
}

fn input_object(name: &str, description: &str, fields: Vec<(String, MetaInputValue)>) -> MetaType {
    MetaType::InputObject {
        name: name.to_owned(),
        description: Some(description.to_owned()),
        input_fields: fields.into_iter().collect(),
        visible: None,
        inaccessible: false,
        tags: Vec::new(),
        rust_typename: None,
        oneof: false,
        directive_invocations: Vec::new(),
    }
}

/// The type of a column's field (`!` when the column is not nullable).
fn column_type(kind: &ColumnKind, nullable: bool) -> String {
    if nullable {
        kind.graphql_type().to_owned()
    } else {
        format!("{}!", kind.graphql_type())
    }
}

/// Writes every type of `registry` into `meta`, once.
pub(crate) fn register(registry: &Registry, meta: &mut Meta) {
    if meta.types.contains_key(NODE) {
        return;
    }
    <PageInfo as OutputType>::create_type_info(meta);
    for (name, description, is_valid) in custom_scalars() {
        if registry.scalars.contains(&name) {
            meta.types.insert(
                name.to_owned(),
                MetaType::Scalar {
                    name: name.to_owned(),
                    description: Some(description.to_owned()),
                    is_valid: Some(std::sync::Arc::new(is_valid)),
                    visible: None,
                    inaccessible: false,
                    tags: Vec::new(),
                    specified_by_url: None,
                    directive_invocations: Vec::new(),
                    requires_scopes: Vec::new(),
                },
            );
        }
    }
    let mut possible = IndexSet::new();
    for object in &registry.objects {
        if object.pk.is_some() {
            possible.insert(object.name.clone());
            meta.add_implements(&object.name, NODE);
        }
        meta.types
            .insert(object.name.clone(), object_type(registry, object));
        for column in &object.columns {
            if let ColumnKind::Enum(spec) = &column.kind
                && !meta.types.contains_key(&spec.name)
            {
                let values: Vec<(String, String)> = spec
                    .values
                    .iter()
                    .map(|(n, _, d)| (n.clone(), d.clone()))
                    .collect();
                meta.types.insert(
                    spec.name.clone(),
                    enumeration(&spec.name, &spec.description, &values),
                );
            }
        }
        if object.target {
            let mut values = vec![("DEFAULT".to_owned(), object.default_scope.to_owned())];
            values.extend(
                object
                    .scopes
                    .iter()
                    .map(|(n, d)| ((*n).to_owned(), (*d).to_owned())),
            );
            let name = object.scope_enum();
            let description = format!("Model scopes of `{}`.", object.name);
            meta.types
                .insert(name.clone(), enumeration(&name, &description, &values));
        }
        if object.crud || object.target {
            meta.types.insert(
                object.create_input(),
                input_object(
                    &object.create_input(),
                    &format!("Values of a new `{}`.", object.name),
                    input_fields(object, false),
                ),
            );
        }
        if object.crud {
            meta.types.insert(
                object.update_input(),
                input_object(
                    &object.update_input(),
                    &format!(
                        "Changes to {} `{}`; omitted fields stay as they are.",
                        article(&object.name),
                        object.name
                    ),
                    input_fields(object, true),
                ),
            );
        }
        if object.list.is_some() {
            connection_types(object, meta);
        }
    }
    for assoc in &registry.associations {
        for verb in ["Set", "Create"] {
            let name = assoc.payload(registry, verb);
            meta.types
                .insert(name.clone(), payload_type(registry, assoc, verb, &name));
        }
    }
    meta.types.insert(
        NODE.to_owned(),
        MetaType::Interface {
            name: NODE.to_owned(),
            description: Some("An object with a global id (Relay's Node interface).".to_owned()),
            fields: [(
                "id".to_owned(),
                field(
                    "id",
                    "ID!",
                    &format!("The global id, such as {}.", id_examples(registry)),
                ),
            )]
            .into_iter()
            .collect(),
            possible_types: possible,
            extends: false,
            keys: None,
            visible: None,
            inaccessible: false,
            tags: Vec::new(),
            rust_typename: None,
            directive_invocations: Vec::new(),
            requires_scopes: Vec::new(),
        },
    );
}

fn object_type(registry: &Registry, object: &ObjectSpec) -> MetaType {
    let mut fields = Vec::new();
    for (name, spec) in &object.fields {
        fields.push(match *spec {
            FieldSpec::Id => field(
                name,
                "ID!",
                &if object.tenant {
                    format!(
                        "The global id: `{0}:<rowId>`, or `{0}:<schema>:<rowId>` for a row of a tenant schema.",
                        object.name
                    )
                } else {
                    format!("The global id: `{}:<rowId>`.", object.name)
                },
            ),
            FieldSpec::RowId => field(
                name,
                &format!("{}!", object.ops.id_scalar()),
                &format!(
                    "The primary key, `{}.{}`.",
                    object.table,
                    object.pk.map_or("", |pk| object[pk].column)
                ),
            ),
            FieldSpec::Column(c) => {
                let column = &object[c];
                field(name, &column_type(&column.kind, column.nullable), &column.description)
            }
            FieldSpec::ForeignId { column, source } => {
                let column = &object[column];
                let description = if column.described {
                    column.description.clone()
                } else {
                    format!(
                        "The foreign key `{}.{}`: the global id of the linked `{}`{}.",
                        object.table,
                        column.column,
                        registry[source].name,
                        if column.nullable {
                            "; null when unlinked"
                        } else {
                            ""
                        }
                    )
                };
                field(name, if column.nullable { "ID" } else { "ID!" }, &description)
            }
            FieldSpec::HasOne(a) => has_one_field(registry, &registry[a], name),
            FieldSpec::Inverse(a) => {
                let assoc = &registry[a];
                let source = &registry[assoc.source];
                // Every association this inverse serves (one foreign key).
                let served: Vec<String> = registry
                    .associations
                    .iter()
                    .filter(|b| {
                        b.source == assoc.source
                            && b.target == assoc.target
                            && b.foreign_key == assoc.foreign_key
                    })
                    .map(|b| format!("`{}.{}`", source.name, b.field))
                    .collect();
                field(
                    name,
                    &source.name,
                    &format!(
                        "The inverse `{}.belongsTo({})` of {}: the {} this {} belongs to; null when unlinked.",
                        object.name,
                        source.name,
                        and_list(&served),
                        camel(&source.name),
                        camel(&object.name),
                    ),
                )
            }
        });
    }
    object_meta(object, fields)
}

fn object_meta(object: &ObjectSpec, fields: Vec<MetaField>) -> MetaType {
    object_type_of(&object.name, &object.description, fields)
}

fn has_one_field(registry: &Registry, assoc: &AssocSpec, name: &str) -> MetaField {
    let source = &registry[assoc.source];
    let target = &registry[assoc.target];
    let fk = &target[assoc.foreign_key];
    let scope: Vec<&str> = assoc
        .scope_columns
        .iter()
        .map(|c| target[*c].column)
        .collect();
    let mut description = format!(
        "`{}.hasOne({}, {{ as: '{}' }})`: `{}.get{}()`, the `{}` whose `{}.{}` holds this {}'s key",
        source.name,
        target.name,
        assoc.field,
        camel(&source.name),
        crate::names::pascal(&assoc.field),
        target.name,
        target.table,
        fk.column,
        camel(&source.name),
    );
    if !scope.is_empty() {
        description.push_str(&format!(
            " and whose {} match the association scope",
            scope.join(", ")
        ));
    }
    description.push_str("; null when there is none.");
    let mut args = vec![arg(
        "scope",
        &format!("[{}!]", target.scope_enum()),
        SCOPE_ARG,
    )];
    if registry.tenancy {
        args.push(arg(
            "schema",
            "String",
            "Read the target table in this allowlisted schema.",
        ));
    }
    with_args(field(name, &target.name, &description), args)
}

/// The fields of a create input, or of an update input (every field
/// optional, no defaults, no primary key).
fn input_fields(object: &ObjectSpec, update: bool) -> Vec<(String, MetaInputValue)> {
    let mut fields = Vec::new();
    for (_, column) in object.input_columns() {
        let is_pk = matches!(column.role, ColumnRole::PrimaryKey { .. });
        if update && is_pk {
            continue;
        }
        let generated = is_pk && matches!(column.kind, ColumnKind::Uuid);
        let scalar = column.kind.graphql_type();
        let (ty, default) = if update || generated || column.nullable {
            (scalar.to_owned(), None)
        } else {
            (format!("{scalar}!"), column.default.clone())
        };
        let mut description = column.description.clone();
        if generated {
            description.push_str(" Generated when omitted.");
        }
        let (name, mut value) = arg(&column.field, &ty, &description);
        value.default_value = default;
        fields.push((name, value));
    }
    fields
}

fn connection_types(object: &ObjectSpec, meta: &mut Meta) {
    let name = &object.name;
    meta.types.insert(
        format!("{name}Connection"),
        object_type_of(
            &format!("{name}Connection"),
            &format!("A page of `{name}` rows, in primary key order (a Relay connection)."),
            vec![
                field("pageInfo", "PageInfo!", "Information to aid in pagination."),
                field("edges", &format!("[{name}Edge!]!"), "A list of edges."),
                field("nodes", &format!("[{name}!]!"), "A list of nodes."),
                field(
                    "totalCount",
                    "Int!",
                    &format!(
                        "The number of `{name}` rows (one more statement, only when asked for)."
                    ),
                ),
            ],
        ),
    );
    meta.types.insert(
        format!("{name}Edge"),
        object_type_of(
            &format!("{name}Edge"),
            "An edge in a connection.",
            vec![
                field(
                    "node",
                    &format!("{name}!"),
                    "The item at the end of the edge.",
                ),
                field("cursor", "String!", "A cursor for use in pagination."),
            ],
        ),
    );
}

fn payload_type(registry: &Registry, assoc: &AssocSpec, verb: &str, name: &str) -> MetaType {
    let source = &registry[assoc.source];
    let target = &registry[assoc.target];
    let previous = if assoc.ops.destroys_previous() {
        "The target that was linked before, as it read before it was deleted (this association deletes its previous target); null when there was none."
    } else {
        "The target that was unlinked (its foreign key set to null), if any."
    };
    object_type_of(
        name,
        &format!(
            "The result of `{}`.",
            assoc.mutation(registry, &verb.to_ascii_lowercase())
        ),
        vec![
            field(
                &assoc.source_field(registry),
                &format!("{}!", source.name),
                "The source row.",
            ),
            field(
                &assoc.field,
                &target.name,
                "The target now linked; null after unlinking.",
            ),
            field("previous", &target.name, previous),
        ],
    )
}
