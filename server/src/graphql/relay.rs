//! Relay: global object ids (`User:42`), the `Node` interface, cursors.
//!
//! An `ID` argument accepts the global id of the expected type or the bare
//! row id (`"42"`), so GraphiQL users can type either.

use async_graphql::connection::CursorType;
use async_graphql::{ID, Interface};
use entities::tenancy::SchemaName;
use sea_orm::{EntityTrait, PrimaryKeyTrait};

use super::error::ApiError;
use super::types::{Address, Profile, Project, Settings, User};

/// An entity exposed as a GraphQL object with a global id.
pub trait NodeType: EntityTrait<PrimaryKey: PrimaryKeyTrait<ValueType = i32>> {
    /// The GraphQL type name, the prefix of global ids.
    const TYPE: &'static str;
}

impl NodeType for entities::user::Entity {
    const TYPE: &'static str = "User";
}
impl NodeType for entities::profile::Entity {
    const TYPE: &'static str = "Profile";
}
impl NodeType for entities::address::Entity {
    const TYPE: &'static str = "Address";
}
impl NodeType for entities::project::Entity {
    const TYPE: &'static str = "Project";
}
impl NodeType for entities::settings::Entity {
    const TYPE: &'static str = "Settings";
}

/// The GraphQL type name of the rows of `table` (for messages).
pub fn type_of_table(table: &str) -> Option<&'static str> {
    use entities::{address, profile, project, settings, user};
    fn name<E: NodeType>(table: &str) -> Option<&'static str> {
        (E::default().table_name() == table).then_some(E::TYPE)
    }
    name::<user::Entity>(table)
        .or_else(|| name::<profile::Entity>(table))
        .or_else(|| name::<address::Entity>(table))
        .or_else(|| name::<project::Entity>(table))
        .or_else(|| name::<settings::Entity>(table))
}

/// The global id of row `id` of `E`: `Type:id`, or `Type:schema:id` for a
/// row in a tenant schema (row ids repeat across schemas).
pub fn global_id<E: NodeType>(id: i32, schema: Option<&SchemaName>) -> ID {
    match schema {
        Some(schema) => ID(format!("{}:{schema}:{id}", E::TYPE)),
        None => ID(format!("{}:{id}", E::TYPE)),
    }
}

/// A parsed global id.
#[derive(Debug, PartialEq, Eq)]
pub struct GlobalId<'a> {
    pub ty: &'a str,
    pub schema: Option<&'a str>,
    pub row: i32,
}

/// Splits a global id into type, schema and row id.
pub fn split_global_id(id: &str) -> Option<GlobalId<'_>> {
    let mut parts = id.split(':');
    let ty = parts.next()?;
    let (schema, row) = match (parts.next()?, parts.next(), parts.next()) {
        (row, None, None) => (None, row),
        (schema, Some(row), None) => (Some(schema), row),
        _ => return None,
    };
    Some(GlobalId {
        ty,
        schema,
        row: row.parse().ok()?,
    })
}

/// The row id of `E` named by an `ID` argument, which must belong to
/// `schema` (the request's `schema` argument; `None`: the default schema).
pub fn parse_id<E: NodeType>(
    arg: &str,
    id: &ID,
    schema: Option<&SchemaName>,
) -> Result<i32, ApiError> {
    if let Ok(row) = id.parse::<i32>() {
        return Ok(row);
    }
    match split_global_id(id) {
        Some(g) if g.ty == E::TYPE => {
            if g.schema == schema.map(SchemaName::as_str) {
                Ok(g.row)
            } else {
                Err(ApiError::bad_input(format!(
                    "argument `{arg}`: {:?} belongs to schema {}, the request names {}",
                    id.as_str(),
                    g.schema.unwrap_or("(default)"),
                    schema.map_or("(default)", SchemaName::as_str),
                )))
            }
        }
        _ => Err(ApiError::bad_input(format!(
            "argument `{arg}`: {:?} is not a {} id (expected \"{}:<n>\" or a row id)",
            id.as_str(),
            E::TYPE,
            E::TYPE
        ))),
    }
}

/// A GraphQL object built from a row of `E` read in `schema`.
pub trait FromRow<M> {
    fn from_row(row: M, schema: Option<SchemaName>) -> Self;
}

/// An object with a global id (Relay's Node interface).
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "The global id, e.g. `User:42`."))]
pub enum Node {
    User(User),
    Profile(Profile),
    Address(Address),
    Project(Project),
    Settings(Settings),
}

/// Keyset cursor over a row id; opaque to clients.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowCursor(pub i32);

impl CursorType for RowCursor {
    type Error = std::num::ParseIntError;

    fn decode_cursor(s: &str) -> Result<Self, Self::Error> {
        s.strip_prefix("after:").unwrap_or(s).parse().map(RowCursor)
    }

    fn encode_cursor(&self) -> String {
        format!("after:{}", self.0)
    }
}

/// `node(id:)`: any object by its global id.
#[derive(Default)]
pub struct NodeQuery;

#[async_graphql::Object]
impl NodeQuery {
    /// Fetches any object by its global id (Relay). Null when no such row.
    async fn node(
        &self,
        ctx: &async_graphql::Context<'_>,
        #[graphql(desc = "A global id such as `User:42` or `Profile:tenant_a:7`.")] id: ID,
    ) -> Result<Option<Node>, ApiError> {
        use super::has_one::{by_id, schema_arg};
        use entities::{address, profile, project, settings, user};
        let Some(g) = split_global_id(&id) else {
            return Err(ApiError::bad_input(format!(
                "argument `id`: {:?} is not a global id (expected \"<Type>:<n>\")",
                id.as_str()
            )));
        };
        let schema = schema_arg(ctx, g.schema.map(str::to_owned))?;
        let row = Some(g.row);
        Ok(match g.ty {
            user::Entity::TYPE if schema.is_none() => by_id::<user::Entity, User>(ctx, row, None)
                .await?
                .map(Node::User),
            profile::Entity::TYPE => by_id::<profile::Entity, Profile>(ctx, row, schema)
                .await?
                .map(Node::Profile),
            address::Entity::TYPE => by_id::<address::Entity, Address>(ctx, row, schema)
                .await?
                .map(Node::Address),
            project::Entity::TYPE => by_id::<project::Entity, Project>(ctx, row, schema)
                .await?
                .map(Node::Project),
            settings::Entity::TYPE => by_id::<settings::Entity, Settings>(ctx, row, schema)
                .await?
                .map(Node::Settings),
            ty => {
                return Err(ApiError::bad_input(format!(
                    "argument `id`: unknown type {ty:?} in global id"
                )));
            }
        })
    }
}

impl super::crud::Cascading for entities::user::Entity {
    fn tenant_cascades() -> &'static [&'static dyn entities::has_one::TenantCascade<Self>] {
        &entities::user::TENANT_CASCADES
    }
}
impl super::crud::Cascading for entities::profile::Entity {}
impl super::crud::Cascading for entities::address::Entity {}
impl super::crud::Cascading for entities::project::Entity {}
impl super::crud::Cascading for entities::settings::Entity {}
