package com.example.orders;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

public class OrderRepository {
    private static final String URL = "jdbc:postgresql://db.internal:5432/orders";

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(URL, "orders", "hunter2-prod");
    }

    public ResultSet byCustomer(Connection conn, String customerId) throws SQLException {
        Statement stmt = conn.createStatement();
        return stmt.executeQuery("SELECT id, total FROM orders WHERE customer_id = '" + customerId + "'");
    }

    public ResultSet byCustomerSafely(Connection conn, String customerId) throws SQLException {
        PreparedStatement stmt = conn.prepareStatement("SELECT id, total FROM orders WHERE customer_id = ?");
        stmt.setString(1, customerId);
        return stmt.executeQuery();
    }

    public void close(Connection conn) {
        try {
            conn.close();
        } catch (SQLException e) {
        }
    }
}
