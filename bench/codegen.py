"""Generated, realistic service code per language, with some findings in every chunk.

A file is a header followed by numbered copies of one service chunk (a repository class with
SQL, an HTTP call, error handling and logging) until it reaches the requested line count. Each
chunk holds a few of Forge's findings: SQL built from strings, a hardcoded credential, a
swallowed exception, a call without a timeout, print used as logging.
"""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("python", "go", "javascript", "typescript", "java")
EXTENSIONS = {"python": "py", "go": "go", "javascript": "js", "typescript": "ts", "java": "java"}

PY_HEADER = '''"""Order service: persistence and the payment gateway client."""

import json
import logging
import sqlite3

import requests

log = logging.getLogger(__name__)
'''

PY_CHUNK = '''

# Shard {n}: orders and their payments.
class OrderRepository{n}:
    """Orders stored in SQLite, shard {n}."""

    DB_PASSWORD = "s3cr3t-{n}-prod"

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def find_by_customer(self, customer_id: str, status: str) -> list[dict]:
        query = "SELECT id, total FROM orders_{n} WHERE customer = '" + customer_id + "'"
        if status:
            query += f" AND status = '{{status}}'"
        rows = self.conn.execute(query).fetchall()
        return [{{"id": row[0], "total": row[1]}} for row in rows]

    def delete(self, order_id: int) -> None:
        try:
            self.conn.execute("DELETE FROM orders_{n} WHERE id = ?", (order_id,))
            self.conn.commit()
        except Exception:
            pass

    def charge(self, order_id: int, amount: float) -> bool:
        print("charging order", order_id, amount)
        response = requests.post(
            "https://payments.example.com/v1/charges",
            json={{"order": order_id, "amount": amount}},
        )
        if response.status_code != 200:
            log.warning("charge failed for %s: %s", order_id, response.text)
            return False
        try:
            body = json.loads(response.text)
        except ValueError:
            log.exception("bad gateway reply")
            return False
        return body.get("status") == "ok"
'''

GO_HEADER = """// Package orders stores orders and charges them through the payment gateway.
package orders

import (
\t"database/sql"
\t"fmt"
\t"log"
\t"net/http"
\t"strings"
)
"""

GO_CHUNK = """
// Repository{n} stores orders in shard {n}.
type Repository{n} struct {{
\tdb *sql.DB
}}

const dbPassword{n} = "s3cr3t-{n}-prod"

// FindByCustomer lists a customer's orders.
func (r *Repository{n}) FindByCustomer(customerID string, status string) ([]int64, error) {{
\tquery := "SELECT id FROM orders_{n} WHERE customer = '" + customerID + "'"
\tif status != "" {{
\t\tquery += fmt.Sprintf(" AND status = '%s'", status)
\t}}
\trows, err := r.db.Query(query)
\tif err != nil {{
\t\treturn nil, err
\t}}
\tdefer rows.Close()
\tvar ids []int64
\tfor rows.Next() {{
\t\tvar id int64
\t\t_ = rows.Scan(&id)
\t\tids = append(ids, id)
\t}}
\treturn ids, nil
}}

// Charge posts a charge to the gateway.
func (r *Repository{n}) Charge(orderID int64, amount float64) bool {{
\tfmt.Println("charging order", orderID, amount)
\tbody := strings.NewReader(fmt.Sprintf(`{{"order": %d, "amount": %f}}`, orderID, amount))
\tresp, err := http.Post("https://payments.example.com/v1/charges", "application/json", body)
\tif err != nil {{
\t\tlog.Printf("charge failed: %v", err)
\t\treturn false
\t}}
\tdefer resp.Body.Close()
\treturn resp.StatusCode == http.StatusOK
}}
"""

JS_HEADER = """'use strict';
// Order service: persistence and the payment gateway client.
const axios = require('axios');
const { Pool } = require('pg');

const pool = new Pool();
"""

JS_CHUNK = """
// Shard {n}: orders and their payments.
const DB_PASSWORD_{n} = 's3cr3t-{n}-prod';

class OrderRepository{n} {{
  constructor(db) {{
    this.db = db || pool;
  }}

  async findByCustomer(customerId, status) {{
    let query = "SELECT id, total FROM orders_{n} WHERE customer = '" + customerId + "'";
    if (status) {{
      query += ` AND status = '${{status}}'`;
    }}
    const result = await this.db.query(query);
    return result.rows.map((row) => ({{ id: row.id, total: row.total }}));
  }}

  async delete(orderId) {{
    try {{
      await this.db.query('DELETE FROM orders_{n} WHERE id = $1', [orderId]);
    }} catch (err) {{
    }}
  }}

  async charge(orderId, amount) {{
    console.log('charging order', orderId, amount);
    const response = await axios.post('https://payments.example.com/v1/charges', {{
      order: orderId,
      amount,
    }});
    if (response.status !== 200) {{
      console.error('charge failed', orderId, response.data);
      return false;
    }}
    return response.data.status === 'ok';
  }}
}}

module.exports.OrderRepository{n} = OrderRepository{n};
"""

TS_HEADER = """// Order service: persistence and the payment gateway client.
import axios from 'axios';
import { Pool, QueryResult } from 'pg';

interface Order {
  id: number;
  total: number;
}

const pool = new Pool();
"""

TS_CHUNK = """
// Shard {n}: orders and their payments.
const DB_PASSWORD_{n}: string = 's3cr3t-{n}-prod';

export class OrderRepository{n} {{
  constructor(private readonly db: Pool = pool) {{}}

  async findByCustomer(customerId: string, status?: string): Promise<Order[]> {{
    let query = "SELECT id, total FROM orders_{n} WHERE customer = '" + customerId + "'";
    if (status) {{
      query += ` AND status = '${{status}}'`;
    }}
    const result: QueryResult = await this.db.query(query);
    return result.rows.map((row) => ({{ id: row.id as number, total: row.total as number }}));
  }}

  async delete(orderId: number): Promise<void> {{
    try {{
      await this.db.query('DELETE FROM orders_{n} WHERE id = $1', [orderId]);
    }} catch (err: unknown) {{
    }}
  }}

  async charge(orderId: number, amount: number): Promise<boolean> {{
    console.log('charging order', orderId, amount);
    const response = await axios.post('https://payments.example.com/v1/charges', {{
      order: orderId,
      amount,
    }});
    if (response.status !== 200) {{
      console.error('charge failed', orderId, response.data);
      return false;
    }}
    return response.data.status === 'ok';
  }}
}}
"""

JAVA_HEADER = """package com.example.orders;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Order service: persistence and the payment gateway client. */
public final class Orders {
"""

JAVA_CHUNK = """
  /** Orders stored in shard {n}. */
  public static final class Repository{n} {{
    private static final String DB_PASSWORD = "s3cr3t-{n}-prod";
    private final Connection conn;
    private final HttpClient http = HttpClient.newHttpClient();

    public Repository{n}(Connection conn) {{
      this.conn = conn;
    }}

    public List<Long> findByCustomer(String customerId, String status) throws SQLException {{
      String query = "SELECT id FROM orders_{n} WHERE customer = '" + customerId + "'";
      if (status != null) {{
        query += " AND status = '" + status + "'";
      }}
      List<Long> ids = new ArrayList<>();
      try (Statement stmt = conn.createStatement(); ResultSet rs = stmt.executeQuery(query)) {{
        while (rs.next()) {{
          ids.add(rs.getLong(1));
        }}
      }}
      return ids;
    }}

    public void delete(long orderId) {{
      try (Statement stmt = conn.createStatement()) {{
        stmt.executeUpdate("DELETE FROM orders_{n} WHERE id = " + orderId);
      }} catch (SQLException e) {{
      }}
    }}

    public boolean charge(long orderId, double amount) throws Exception {{
      System.out.println("charging order " + orderId + " " + amount);
      HttpRequest request = HttpRequest.newBuilder(URI.create("https://payments.example.com"))
          .POST(HttpRequest.BodyPublishers.ofString("{{\\"order\\": " + orderId + "}}"))
          .build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200;
    }}
  }}
"""

JAVA_FOOTER = "}\n"


@dataclass(frozen=True)
class Template:
    """How one language's generated file starts, repeats and ends."""

    header: str
    chunk: str
    footer: str = ""


TEMPLATES = {
    "python": Template(PY_HEADER, PY_CHUNK),
    "go": Template(GO_HEADER, GO_CHUNK),
    "javascript": Template(JS_HEADER, JS_CHUNK),
    "typescript": Template(TS_HEADER, TS_CHUNK),
    "java": Template(JAVA_HEADER, JAVA_CHUNK, JAVA_FOOTER),
}


def generate(language: str, lines: int, seed: int = 0) -> str:
    """A file of about `lines` lines (never fewer) in `language`; `seed` varies the names."""
    template = TEMPLATES[language]
    parts = [template.header]
    count = template.header.count("\n") + template.footer.count("\n")
    n = seed * 100_000
    while count < lines:
        chunk = template.chunk.format(n=n)
        parts.append(chunk)
        count += chunk.count("\n")
        n += 1
    parts.append(template.footer)
    return "".join(parts)


def function_edit_point(text: str) -> tuple[int, int]:
    """Where to type in the middle of the file inside a function body: after `return `, before
    a name, so the characters typed extend that name and the file stays valid (before
    `[... for row in rows]` they would make a subscript with a bare generator, a syntax error)."""
    lines = text.split("\n")
    for index in range(len(lines) // 2, len(lines)):
        column = lines[index].find("return ")
        after = lines[index][column + len("return ") : column + len("return ") + 1]
        if column >= 0 and lines[index].strip().startswith("return ") and after.isidentifier():
            return index, column + len("return ")
    raise ValueError("no return statement before a name after the middle of the file")


def comment_edit_point(text: str) -> tuple[int, int]:
    """Where to type in the middle of the file inside a comment outside any function."""
    lines = text.split("\n")
    for index in range(len(lines) // 2, len(lines)):
        for marker in ("#", "//", "/**"):
            column = lines[index].find(marker)
            if column >= 0 and lines[index].strip().startswith(marker):
                return index, column + len(marker)
    raise ValueError("no comment line after the middle of the file")


def toplevel_edit_point(text: str) -> tuple[int, int]:
    """Where to type in the middle of the file in code outside any function: inside the
    chunk's module-level (or class-level) password literal. This edit needs a full check."""
    return _just_after(text, "s3cr3t-", "password literal")


def string_in_function_edit_point(text: str) -> tuple[int, int]:
    """Where to type inside a function of a generated Python file: in the string of
    `print("charging order", ...)`. The file stays valid Python after every character, so a
    server that checks syntax too (the LSP peers) checks real code rather than reporting one
    syntax error."""
    return _just_after(text, 'print("', "print call", at='print("charging order"')


def _just_after(text: str, marker: str, what: str, at: str | None = None) -> tuple[int, int]:
    """Just after `marker` on the first line after the middle of the file holding `at`
    (default: the marker itself)."""
    lines = text.split("\n")
    for index in range(len(lines) // 2, len(lines)):
        column = lines[index].find(at or marker)
        if column >= 0:
            return index, column + len(marker)
    raise ValueError(f"no {what} after the middle of the file")
