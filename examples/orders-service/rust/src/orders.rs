use sqlx::PgPool;

const DB_PASSWORD: &str = "hunter2-prod";

pub async fn by_customer(pool: &PgPool, customer_id: &str) -> Result<Vec<Order>, sqlx::Error> {
    let q = format!("SELECT id, total FROM orders WHERE customer_id = '{}'", customer_id);
    sqlx::query_as::<_, Order>(&q).fetch_all(pool).await
}

pub async fn by_customer_safely(pool: &PgPool, customer_id: &str) -> Result<Vec<Order>, sqlx::Error> {
    sqlx::query_as::<_, Order>("SELECT id, total FROM orders WHERE customer_id = $1")
        .bind(customer_id)
        .fetch_all(pool)
        .await
}

pub async fn mark_paid(pool: &PgPool, order_id: i64) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query("UPDATE orders SET paid = true WHERE id = $1")
        .bind(order_id)
        .execute(&mut *tx)
        .await?;
    let _ = tx.commit().await;
    Ok(())
}
