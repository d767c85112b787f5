//! [`Snapshot`]: a row as a change carries it, to subscribers in this
//! process or, through `NOTIFY`, in others.

use async_graphql::Value;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::model::RowModel;
use crate::registry::ObjectSpec;

/// A row as it was when the change committed: its id, and its column
/// values as GraphQL shows them (absent when they did not fit a `NOTIFY`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub(crate) struct Snapshot {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<IndexMap<String, Value>>,
}

impl Snapshot {
    /// A row of `object` as a change carries it: its id and every
    /// column's value as GraphQL shows it.
    pub fn of(object: &ObjectSpec, row: &RowModel) -> Snapshot {
        let values = object
            .each_column()
            .map(|(i, c)| (c.field.clone(), c.kind.to_graphql(&object.ops.get(row, i))))
            .collect();
        Snapshot {
            id: object.ops.render_pk(row),
            values: Some(values),
        }
    }

    /// The row of `object` the snapshot holds; `None` when it holds only
    /// the id, or a value does not read back as its column's (then read it
    /// by id).
    pub fn restore(&self, object: &ObjectSpec) -> Option<RowModel> {
        let values = self.values.as_ref()?;
        let mut stored = Vec::with_capacity(object.columns.len());
        for (i, column) in object.each_column() {
            let value = values.get(&column.field)?;
            stored.push((i, column.kind.from_graphql(value).ok()?));
        }
        object.ops.row_of(stored)
    }
}
