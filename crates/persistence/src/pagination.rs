//! Keyset pagination over UUIDv7 ids: newest first, stable under inserts.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select};
use uuid::Uuid;

/// Largest page a client may ask for.
pub const PAGE_LIMIT_MAX: u64 = 200;
/// Page size when the client does not say.
pub const PAGE_LIMIT_DEFAULT: u64 = 50;

/// A validated page request: `limit` in 1..=200, optional cursor (the last id seen).
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    limit: u64,
    after: Option<Uuid>,
}

impl PageRequest {
    /// Builds a request; `None` when `limit` is outside 1..=200.
    pub fn new(limit: Option<u64>, after: Option<Uuid>) -> Option<Self> {
        let limit = limit.unwrap_or(PAGE_LIMIT_DEFAULT);
        (1..=PAGE_LIMIT_MAX)
            .contains(&limit)
            .then_some(Self { limit, after })
    }

    /// The first page of the default size.
    pub fn first() -> Self {
        Self {
            limit: PAGE_LIMIT_DEFAULT,
            after: None,
        }
    }
}

/// One page of items and the cursor of the next page, if any.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// Items, newest first.
    pub items: Vec<T>,
    /// Id to pass as the next cursor; `None` on the last page.
    pub next_cursor: Option<Uuid>,
}

impl<T> Page<T> {
    /// Converts the items, keeping the cursor.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_cursor: self.next_cursor,
        }
    }
}

impl<T> Page<T> {
    /// Converts the items, failing if any item fails, keeping the cursor.
    pub fn try_map<U, E>(self, f: impl FnMut(T) -> Result<U, E>) -> Result<Page<U>, E> {
        Ok(Page {
            items: self.items.into_iter().map(f).collect::<Result<_, _>>()?,
            next_cursor: self.next_cursor,
        })
    }
}

/// Applies the keyset window on `id_column` to `select` and runs it.
pub(crate) async fn fetch_page<E, C>(
    select: Select<E>,
    id_column: E::Column,
    page: PageRequest,
    id_of: impl Fn(&E::Model) -> Uuid,
    db: &C,
) -> Result<Page<E::Model>, sea_orm::DbErr>
where
    E: EntityTrait,
    C: sea_orm::ConnectionTrait,
{
    let mut select = select.order_by_desc(id_column).limit(page.limit + 1);
    if let Some(after) = page.after {
        select = select.filter(id_column.lt(after));
    }
    let mut items = select.all(db).await?;
    let next_cursor = if items.len() as u64 > page.limit {
        items.truncate(page.limit as usize);
        items.last().map(&id_of)
    } else {
        None
    };
    Ok(Page { items, next_cursor })
}
