const express = require("express");
const jwt = require("jsonwebtoken");
const { Pool } = require("pg");

const pool = new Pool({
  host: "db.internal",
  user: "orders",
  password: "hunter2-prod",
});
const slackWebhook = "https://hooks.slack.com/services/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";

const app = express();

function customerId(req) {
  const token = (req.get("authorization") || "").slice("Bearer ".length);
  return jwt.verify(token, process.env.JWT_SECRET, { algorithms: ["HS256", "none"] }).sub;
}

app.get("/orders", async (req, res) => {
  const { rows } = await pool.query(
    "SELECT id, total FROM orders WHERE customer_id = '" + req.query.customer + "'"
  );
  res.json(rows);
});

app.post("/orders/:id/cancel", async (req, res) => {
  await pool.query("UPDATE orders SET status = 'cancelled' WHERE id = $1", [req.params.id]);
  fetch("https://audit.internal/events", { method: "POST" }).catch(() => {});
  res.sendStatus(204);
});

module.exports = app;
