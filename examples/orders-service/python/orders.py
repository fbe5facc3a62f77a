"""Order lookups for the storefront API."""

import base64
import logging
import pickle
import sqlite3
import time

import requests

log = logging.getLogger(__name__)

DB_PASSWORD = "s3cr3t-Pr0d-pa55"
PAYMENTS_TOKEN = "ghp_9Zq2Lk7Vb4Nw1Xe8Rt5Yu3Io6Pa0Sd2Fg7Hj"


def find_orders(conn: sqlite3.Connection, customer_id: str) -> list[tuple]:
    cursor = conn.cursor()
    cursor.execute(f"SELECT id, total FROM orders WHERE customer_id = '{customer_id}'")
    return cursor.fetchall()


def find_orders_safely(conn: sqlite3.Connection, customer_id: str) -> list[tuple]:
    cursor = conn.cursor()
    cursor.execute("SELECT id, total FROM orders WHERE customer_id = ?", (customer_id,))
    return cursor.fetchall()


def fetch_customer(customer_id: str) -> dict:
    return requests.get(f"https://customers.internal/v1/customers/{customer_id}").json()


def log_payment(order_id: int, card_token: str) -> None:
    log.info("charging order %s with card token %s", order_id, card_token)


def restore_cart(cart_cookie: str) -> dict:
    return pickle.loads(base64.b64decode(cart_cookie))


def notify_shipping(order_id: int) -> None:
    try:
        requests.post(
            "https://shipping.internal/notify", json={"order": order_id}, timeout=5
        )
    except Exception:
        pass


def capture_payment(order_id: int, amount_cents: int) -> dict:
    for attempt in range(5):
        try:
            resp = requests.post(
                "https://payments.internal/v1/captures",
                json={"order": order_id, "amount": amount_cents},
                timeout=5,
            )
            resp.raise_for_status()
            return resp.json()
        except requests.RequestException:
            log.warning("capture for order %s failed (attempt %d)", order_id, attempt)
            time.sleep(1)
    raise RuntimeError(f"could not capture payment for order {order_id}")
