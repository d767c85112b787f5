//! Relay: global object ids (`User:42`), the `Node` interface, cursors.
//!
//! An `ID` argument accepts the global id of the expected type or the bare
//! row id (`"42"`), so GraphiQL users can type either.

use async_graphql::connection::CursorType;
use async_graphql::{ID, Interface};
use sea_orm::{EntityTrait, PrimaryKeyTrait};

use super::error::ApiError;
use super::types::{Address, Profile, Project, User};

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

/// The global id of row `id` of `E`.
pub fn global_id<E: NodeType>(id: i32) -> ID {
    ID(format!("{}:{id}", E::TYPE))
}

/// Splits a global id into type name and row id.
pub fn split_global_id(id: &str) -> Option<(&str, i32)> {
    let (ty, row) = id.split_once(':')?;
    Some((ty, row.parse().ok()?))
}

/// The row id of `E` named by an `ID` argument.
pub fn parse_id<E: NodeType>(arg: &str, id: &ID) -> Result<i32, ApiError> {
    let bad = || {
        ApiError::bad_input(format!(
            "argument `{arg}`: {:?} is not a {} id (expected \"{}:<n>\" or a row id)",
            id.as_str(),
            E::TYPE,
            E::TYPE
        ))
    };
    if let Ok(row) = id.parse::<i32>() {
        return Ok(row);
    }
    match split_global_id(id) {
        Some((ty, row)) if ty == E::TYPE => Ok(row),
        _ => Err(bad()),
    }
}

/// An object with a global id (Relay's Node interface).
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "The global id, e.g. `User:42`."))]
pub enum Node {
    User(User),
    Profile(Profile),
    Address(Address),
    Project(Project),
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
        #[graphql(desc = "A global id such as `User:42`.")] id: ID,
    ) -> Result<Option<Node>, ApiError> {
        use super::has_one::by_id;
        use entities::{address, profile, project, user};
        let Some((ty, row)) = split_global_id(&id) else {
            return Err(ApiError::bad_input(format!(
                "argument `id`: {:?} is not a global id (expected \"<Type>:<n>\")",
                id.as_str()
            )));
        };
        let row = Some(row);
        Ok(match ty {
            user::Entity::TYPE => by_id::<user::Entity, User>(ctx, row).await?.map(Node::User),
            profile::Entity::TYPE => by_id::<profile::Entity, Profile>(ctx, row)
                .await?
                .map(Node::Profile),
            address::Entity::TYPE => by_id::<address::Entity, Address>(ctx, row)
                .await?
                .map(Node::Address),
            project::Entity::TYPE => by_id::<project::Entity, Project>(ctx, row)
                .await?
                .map(Node::Project),
            _ => {
                return Err(ApiError::bad_input(format!(
                    "argument `id`: unknown type {ty:?} in global id"
                )));
            }
        })
    }
}
