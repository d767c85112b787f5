//! A mutation's arguments as column values and primary keys: ids parsed,
//! input objects checked and defaulted.

use async_graphql::{Context, Value as GqlValue};
use hasone::tenancy::SchemaName;
use sea_orm::Value;

use crate::error::ApiError;
use crate::model::ColumnId;
use crate::registry::{AssocSpec, ColumnRole, ColumnSpec, ObjectId, ObjectSpec, Registry};
use crate::schema::{Args, schema_arg};
use crate::value::ColumnKind;

/// The primary key an `ID` argument names.
pub(super) fn id_arg(
    registry: &'static Registry,
    object: ObjectId,
    args: &Args,
    name: &str,
    schema: Option<&SchemaName>,
) -> Result<Option<Value>, ApiError> {
    let Some(id) = args.id(name) else {
        return Ok(None);
    };
    let spec = &registry[object];
    spec.ops
        .parse_id(&id, spec.name.as_str(), schema)
        .map(Some)
        .map_err(|e| ApiError::bad_input(format!("argument `{name}`: {e}")))
}

pub(super) fn required(value: Option<Value>, name: &str) -> Result<Value, ApiError> {
    value.ok_or_else(|| ApiError::bad_input(format!("argument `{name}` is required")))
}

/// What `set` and `create` both take: the arguments, the `schema` and the
/// source id.
pub(super) struct LinkArgs {
    pub args: Args,
    pub schema: Option<SchemaName>,
    pub source: Value,
}

impl LinkArgs {
    pub fn of(
        registry: &'static Registry,
        assoc: &AssocSpec,
        ctx: &Context<'_>,
    ) -> Result<Self, ApiError> {
        let args = Args::of(ctx)?;
        let schema = schema_arg(ctx, args.string("schema"))?;
        let source_arg = assoc.source_arg(registry);
        let source = required(
            id_arg(registry, assoc.source, &args, &source_arg, None)?,
            &source_arg,
        )?;
        Ok(LinkArgs {
            args,
            schema,
            source,
        })
    }
}

/// The column values of an input object: checked, defaults applied (for a
/// new row), a UUID primary key generated when omitted.
pub(super) fn input_values(
    object: &ObjectSpec,
    input: Option<&GqlValue>,
    update: bool,
) -> Result<Vec<(ColumnId, Value)>, ApiError> {
    let fields = match input {
        Some(GqlValue::Object(fields)) => Some(fields),
        _ => None,
    };
    let mut values = Vec::new();
    for (index, column) in object.input_columns() {
        let is_pk = matches!(column.role, ColumnRole::PrimaryKey { .. });
        if update && is_pk {
            continue;
        }
        let given = fields.and_then(|f| f.get(column.field.as_str()));
        let value = match given {
            Some(value) => Some(column_value(column, value)?),
            None if update => None,
            None if is_pk && matches!(column.kind, ColumnKind::Uuid) => {
                Some(Value::Uuid(Some(uuid::Uuid::new_v4())))
            }
            None => column.default_value.clone(),
        };
        if let Some(value) = value {
            values.push((index, value));
        }
    }
    Ok(values)
}

/// One input value, checked as its column says.
pub(super) fn column_value(column: &ColumnSpec, value: &GqlValue) -> Result<Value, ApiError> {
    let bad = |why: String| ApiError::bad_input(format!("field `{}` {why}", column.field));
    if *value == GqlValue::Null && !column.nullable {
        return Err(bad("must not be null".to_owned()));
    }
    let stored = column.kind.from_graphql(value).map_err(&bad)?;
    if let Value::String(Some(text)) = &stored
        && text.chars().count() < column.min_chars
    {
        return Err(bad(format!(
            "must have at least {} characters",
            column.min_chars
        )));
    }
    if stored != stored.as_null() {
        for check in &column.checks {
            check(&stored).map_err(&bad)?;
        }
    }
    Ok(stored)
}
