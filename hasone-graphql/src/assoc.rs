//! What the API does with one has-one association, typed inside and
//! object-safe outside: [`AssociationOps`], implemented for every
//! `HasOne<S, T>` by [`HasOneOps`].

use std::any::Any;
use std::fmt::Debug;
use std::sync::Arc;

use async_graphql::futures_util::future::join_all;
use hasone::tenancy::SchemaName;
use hasone::{Conditions, Error, HasOne, Id, Key, ScopeRef, Scopes, TenantCascade, UnknownScope};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, DatabaseTransaction, DbErr, EntityTrait, IdenStatic,
    IntoActiveModel, Iterable, ModelTrait, Value,
};

use crate::ids::IdValue;
use crate::loaders::Loaders;
use crate::model::{ColumnId, Found, LoadError, RowModel, active_model, model};

/// What `set` and `create` changed, as rows.
pub(crate) struct LinkedRows {
    pub source: RowModel,
    pub target: Option<RowModel>,
    pub previous: Option<RowModel>,
    /// Whether anything was written (not a `set` of the target linked).
    pub changed: bool,
    /// The target as it read before `set` linked it.
    pub target_before: Option<RowModel>,
}

impl LinkedRows {
    fn of<S: EntityTrait, T: EntityTrait>(linked: hasone::Linked<S, T>) -> Self
    where
        S::Model: Sync,
        T::Model: Sync,
    {
        LinkedRows {
            source: Arc::new(linked.source),
            target: linked.target.map(|t| Arc::new(t) as RowModel),
            previous: linked.previous.map(|p| Arc::new(p) as RowModel),
            changed: linked.changed,
            target_before: linked.target_before.map(|t| Arc::new(t) as RowModel),
        }
    }
}

#[async_trait::async_trait]
pub(crate) trait AssociationOps: Send + Sync {
    /// Whether the source key is the source's primary key (then the
    /// foreign key shows as the source's global id).
    fn source_key_is_primary(&self) -> bool;

    /// Whether the foreign key may be `NULL`.
    fn nullable(&self) -> bool;

    /// Whether `set`/`create` delete the previous target.
    fn destroys_previous(&self) -> bool;

    /// Whether `set(null)` is allowed (it deletes a `NOT NULL` target).
    fn unlinkable(&self) -> bool;

    /// `onDelete`, as declared or by default.
    fn delete_rule(&self) -> hasone::OnDelete;

    /// The source key's column when it is not the primary key and may be
    /// null (then a source can lack a key).
    fn nullable_source_key(&self) -> Option<&'static str>;

    /// The association scope as text: `` `kind = billing` ``.
    fn scope_assignments(&self) -> Vec<String>;

    /// Checks a `scope` argument against the target's scopes.
    fn check_scopes(&self, scopes: &[ScopeRef<'_>]) -> Result<(), UnknownScope>;

    /// The targets of `sources` with model scopes `scopes` (`None`: the
    /// default one) in `schema`, batched with the request's other loads.
    async fn targets(
        &self,
        loaders: &Loaders,
        sources: &[RowModel],
        scopes: Option<&[ScopeRef<'_>]>,
        schema: Option<&SchemaName>,
    ) -> Found;

    /// The sources of `targets` (the inverse `belongsTo`).
    async fn sources(&self, loaders: &Loaders, targets: &[RowModel]) -> Found;

    /// [`AssociationOps::targets`] in the prefetch's two steps: the keys
    /// are wanted now, the rows read after the level's flush.
    fn want_targets(
        &self,
        loaders: &Loaders,
        sources: &[RowModel],
        scopes: Option<&[ScopeRef<'_>]>,
        schema: Option<&SchemaName>,
    ) -> WantedRows;

    /// [`AssociationOps::sources`] in the prefetch's two steps.
    fn want_sources(&self, loaders: &Loaders, targets: &[RowModel]) -> WantedRows;

    /// `setAssociation` within `txn`: source and target by primary key
    /// value.
    async fn set_in(
        &self,
        txn: &DatabaseTransaction,
        source: Value,
        target: Option<Value>,
        schema: Option<&SchemaName>,
    ) -> Result<LinkedRows, Error>;

    /// `createAssociation` within `txn`, with the target's column values.
    async fn create_in(
        &self,
        txn: &DatabaseTransaction,
        source: Value,
        values: Vec<(ColumnId, Value)>,
        schema: Option<&SchemaName>,
    ) -> Result<LinkedRows, Error>;

    /// The target linked to `source` in `schema`, whatever its model
    /// scopes, locked within `txn`.
    async fn current_in(
        &self,
        txn: &DatabaseTransaction,
        source: &RowModel,
        schema: Option<&SchemaName>,
    ) -> Result<Option<RowModel>, DbErr>;

    /// The source `target` is linked to (in the default schema), read
    /// within `txn`.
    async fn source_in(
        &self,
        txn: &DatabaseTransaction,
        target: &RowModel,
    ) -> Result<Option<RowModel>, DbErr>;

    /// `target` as it reads once unlinked (its foreign key null).
    fn unlinked(&self, target: &RowModel) -> RowModel;

    /// Whether `target` is linked through this association: its foreign
    /// key is set and it has the association scope's values.
    fn links(&self, target: &RowModel) -> bool;

    /// Whether `a` and `b` are linked to the same source key.
    fn same_source(&self, a: &RowModel, b: &RowModel) -> bool;

    /// `ON DELETE` in a tenant schema (where the database cannot).
    async fn cascade_deleted(
        &self,
        txn: &DatabaseTransaction,
        source: &RowModel,
        schema: &SchemaName,
    ) -> Result<(), DbErr>;

    /// `ON UPDATE CASCADE` in a tenant schema.
    async fn cascade_key_changed(
        &self,
        txn: &DatabaseTransaction,
        before: &RowModel,
        after: &RowModel,
        schema: &SchemaName,
    ) -> Result<(), DbErr>;
}

/// [`AssociationOps`] of one `HasOne<S, T>`.
pub(crate) struct HasOneOps<S: EntityTrait, T: EntityTrait> {
    assoc: &'static HasOne<S, T>,
    scopes: &'static Scopes<T>,
    target_columns: Vec<T::Column>,
}

impl<S: EntityTrait, T: EntityTrait> HasOneOps<S, T> {
    /// `scopes` is the target's `&'static Scopes<T>`, as registered.
    ///
    /// # Panics
    /// When `scopes` are another entity's (a bug of the registry: without
    /// them every `scope` argument would be ignored).
    pub fn new(assoc: &'static HasOne<S, T>, scopes: &'static (dyn Any + Send + Sync)) -> Self {
        let Some(scopes) = scopes.downcast_ref::<Scopes<T>>() else {
            panic!(
                "`{}`: the model scopes given for `{}` are another entity's",
                assoc.name,
                T::default().table_name()
            )
        };
        HasOneOps {
            assoc,
            scopes,
            target_columns: T::Column::iter().collect(),
        }
    }

    fn target_keys(
        &self,
        sources: &[RowModel],
        scopes: Option<&[ScopeRef<'_>]>,
        schema: Option<&SchemaName>,
    ) -> Result<Vec<Key<T>>, LoadError> {
        // Checked before (`check_scopes`): an unknown name here is a bug,
        // an error rather than a read without the scope.
        let conditions = self.scopes.conditions(scopes).map_err(|e| {
            Arc::new(DbErr::Custom(format!(
                "an unchecked `scope` reached the load: {e}"
            )))
        })?;
        Ok(sources
            .iter()
            .map(|row| {
                let key = model::<S>(row)
                    .map(|m| m.get(self.assoc.source_key))
                    .unwrap_or(Value::String(None));
                Key::new(
                    self.assoc.lookup(),
                    key,
                    conditions.clone(),
                    schema.cloned(),
                )
            })
            .collect())
    }

    fn source_keys(&self, targets: &[RowModel]) -> Vec<Key<S>> {
        targets
            .iter()
            .map(|row| {
                let key = model::<T>(row)
                    .map(|m| m.get(self.assoc.foreign_key))
                    .unwrap_or(Value::String(None));
                Key::new(self.assoc.inverse_lookup(), key, Conditions::none(), None)
            })
            .collect()
    }
}

#[async_trait::async_trait]
impl<S, T> AssociationOps for HasOneOps<S, T>
where
    S: EntityTrait,
    T: EntityTrait,
    S::Model: Sync + IntoActiveModel<S::ActiveModel>,
    T::Model: Sync + IntoActiveModel<T::ActiveModel>,
    S::ActiveModel: ActiveModelBehavior + ActiveModelTrait<Entity = S> + Send + Sync,
    T::ActiveModel: ActiveModelBehavior + ActiveModelTrait<Entity = T> + Send + Sync + Clone,
    Id<S>: IdValue + Debug,
    Id<T>: IdValue + Debug,
{
    fn source_key_is_primary(&self) -> bool {
        self.assoc.source_key.as_str() == hasone::pk_column::<S>().as_str()
    }

    fn nullable(&self) -> bool {
        self.assoc.nullable()
    }

    fn destroys_previous(&self) -> bool {
        self.assoc.destroys_previous()
    }

    fn unlinkable(&self) -> bool {
        self.assoc.nullable() || self.assoc.destroy_previous
    }

    fn delete_rule(&self) -> hasone::OnDelete {
        self.assoc.delete_rule()
    }

    fn nullable_source_key(&self) -> Option<&'static str> {
        use sea_orm::ColumnTrait;
        (!self.source_key_is_primary() && self.assoc.source_key.def().is_null())
            .then(|| self.assoc.source_key.as_str())
    }

    fn scope_assignments(&self) -> Vec<String> {
        self.assoc
            .scope
            .iter()
            .map(|(c, v)| {
                let v = match v {
                    hasone::ScopeValue::Str(s) => (*s).to_owned(),
                    hasone::ScopeValue::Bool(b) => b.to_string(),
                    hasone::ScopeValue::Int(i) => i.to_string(),
                };
                format!("`{} = {v}`", c.as_str())
            })
            .collect()
    }

    fn check_scopes(&self, scopes: &[ScopeRef<'_>]) -> Result<(), UnknownScope> {
        self.scopes.conditions(Some(scopes)).map(|_| ())
    }

    async fn targets(
        &self,
        loaders: &Loaders,
        sources: &[RowModel],
        scopes: Option<&[ScopeRef<'_>]>,
        schema: Option<&SchemaName>,
    ) -> Found {
        load(loaders, self.target_keys(sources, scopes, schema)?).await
    }

    async fn sources(&self, loaders: &Loaders, targets: &[RowModel]) -> Found {
        load(loaders, self.source_keys(targets)).await
    }

    fn want_targets(
        &self,
        loaders: &Loaders,
        sources: &[RowModel],
        scopes: Option<&[ScopeRef<'_>]>,
        schema: Option<&SchemaName>,
    ) -> WantedRows {
        match self.target_keys(sources, scopes, schema) {
            Ok(keys) => want(loaders, keys),
            Err(err) => Box::new(move |_: &Loaders| Err(err)),
        }
    }

    fn want_sources(&self, loaders: &Loaders, targets: &[RowModel]) -> WantedRows {
        want(loaders, self.source_keys(targets))
    }

    async fn set_in(
        &self,
        txn: &DatabaseTransaction,
        source: Value,
        target: Option<Value>,
        schema: Option<&SchemaName>,
    ) -> Result<LinkedRows, Error> {
        let source = id_of::<S>(&source)?;
        let target = target.as_ref().map(id_of::<T>).transpose()?;
        let linked = self.assoc.set_in(txn, source, target, schema).await?;
        Ok(LinkedRows::of(linked))
    }

    async fn create_in(
        &self,
        txn: &DatabaseTransaction,
        source: Value,
        values: Vec<(ColumnId, Value)>,
        schema: Option<&SchemaName>,
    ) -> Result<LinkedRows, Error> {
        let source = id_of::<S>(&source)?;
        let values = active_model::<T>(&self.target_columns, values)?;
        let linked = self.assoc.create_in(txn, source, values, schema).await?;
        Ok(LinkedRows::of(linked))
    }

    async fn current_in(
        &self,
        txn: &DatabaseTransaction,
        source: &RowModel,
        schema: Option<&SchemaName>,
    ) -> Result<Option<RowModel>, DbErr> {
        let Ok(source) = model::<S>(source) else {
            return Ok(None);
        };
        let target = self.assoc.linked_in(txn, source, schema).await?;
        Ok(target.map(|t| Arc::new(t) as RowModel))
    }

    async fn source_in(
        &self,
        txn: &DatabaseTransaction,
        target: &RowModel,
    ) -> Result<Option<RowModel>, DbErr> {
        use sea_orm::{ColumnTrait, QueryFilter};
        let Ok(target) = model::<T>(target) else {
            return Ok(None);
        };
        let key = target.get(self.assoc.foreign_key);
        if key == key.as_null() {
            return Ok(None);
        }
        let source = S::find()
            .filter(self.assoc.source_key.eq(key))
            .one(txn)
            .await?;
        Ok(source.map(|s| Arc::new(s) as RowModel))
    }

    fn links(&self, target: &RowModel) -> bool {
        let Ok(target) = model::<T>(target) else {
            return false;
        };
        let key = target.get(self.assoc.foreign_key);
        key != key.as_null()
            && self.assoc.scope.iter().all(|(column, value)| {
                hasone::normalise(target.get(*column)) == hasone::normalise(Value::from(*value))
            })
    }

    fn same_source(&self, a: &RowModel, b: &RowModel) -> bool {
        match (model::<T>(a), model::<T>(b)) {
            (Ok(a), Ok(b)) => {
                hasone::normalise(a.get(self.assoc.foreign_key))
                    == hasone::normalise(b.get(self.assoc.foreign_key))
            }
            _ => false,
        }
    }

    fn unlinked(&self, target: &RowModel) -> RowModel {
        match model::<T>(target) {
            Ok(target) => {
                let mut unlinked = target.clone();
                let null = unlinked.get(self.assoc.foreign_key).as_null();
                match unlinked.try_set(self.assoc.foreign_key, null) {
                    Ok(()) => Arc::new(unlinked),
                    // A `NOT NULL` key is never unlinked (the row goes).
                    Err(_) => Arc::new(target.clone()),
                }
            }
            Err(_) => target.clone(),
        }
    }

    async fn cascade_deleted(
        &self,
        txn: &DatabaseTransaction,
        source: &RowModel,
        schema: &SchemaName,
    ) -> Result<(), DbErr> {
        let Some(source) = source.downcast_ref::<S::Model>() else {
            return Ok(());
        };
        self.assoc.source_deleted(txn, source, schema).await
    }

    async fn cascade_key_changed(
        &self,
        txn: &DatabaseTransaction,
        before: &RowModel,
        after: &RowModel,
        schema: &SchemaName,
    ) -> Result<(), DbErr> {
        match (
            before.downcast_ref::<S::Model>(),
            after.downcast_ref::<S::Model>(),
        ) {
            (Some(before), Some(after)) => {
                self.assoc
                    .source_key_changed(txn, before, after, schema)
                    .await
            }
            _ => Ok(()),
        }
    }
}

/// A scope name as the core takes it.
pub(crate) fn scope_ref(name: &str) -> ScopeRef<'_> {
    if name == "DEFAULT" {
        ScopeRef::Default
    } else {
        ScopeRef::Named(name)
    }
}

/// The primary key of `E` a parsed id value holds.
fn id_of<E: EntityTrait>(value: &Value) -> Result<Id<E>, Error>
where
    Id<E>: IdValue,
{
    Id::<E>::from_value(value)
        .ok_or_else(|| Error::BadInput(format!("{value:?} is not an id of this type")))
}

/// Through the loader, batched with sibling fields (the prefetch uses
/// [`WantedRows`] instead).
async fn load<X: EntityTrait>(loaders: &Loaders, keys: Vec<Key<X>>) -> Found
where
    X::Model: Sync,
{
    join_all(keys.into_iter().map(|key| loaders.load(key)))
        .await
        .into_iter()
        .collect()
}

/// Rows the prefetch asked for ([`Loaders::want`]), read after the level's
/// [`Loaders::flush`], one per row it asked them for (the loaders keep
/// the keys themselves, of every field, as `WantedKeys`).
pub(crate) type WantedRows = Box<dyn FnOnce(&Loaders) -> Found + Send>;

fn want<X: EntityTrait>(loaders: &Loaders, keys: Vec<Key<X>>) -> WantedRows
where
    X::Model: Sync,
{
    loaders.want(&keys);
    Box::new(move |loaders: &Loaders| loaders.known(&keys))
}
