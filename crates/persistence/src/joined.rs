//! Reading a second entity's row out of a joined query, so that one statement
//! can lock (and return) rows of two tables.

use sea_orm::sea_query::{Alias, Expr, SelectStatement};
use sea_orm::{EntityTrait, IdenStatic, Iterable};

/// Adds every column of `E` to `select`, named `<prefix><column>`, for
/// `E::Model::from_query_result(row, prefix)` to read back.
pub(crate) fn select_prefixed<E: EntityTrait>(select: &mut SelectStatement, prefix: &str) {
    for column in E::Column::iter() {
        select.expr_as(
            Expr::col((E::default(), column)),
            Alias::new(format!("{prefix}{}", column.as_str())),
        );
    }
}
