package com.example.orders

import java.sql.Connection

class OrderSync(private val conn: Connection, private val partner: PartnerClient) {

    fun byCustomer(customerId: String) =
        conn.createStatement().executeQuery("SELECT id, total FROM orders WHERE customer_id = '$customerId'")

    fun byCustomerSafely(customerId: String) =
        conn.prepareStatement("SELECT id, total FROM orders WHERE customer_id = ?").apply {
            setString(1, customerId)
        }.executeQuery()

    fun push(order: Order) {
        try {
            partner.send(order)
            partner.confirm(order.id)
        } catch (e: Exception) {}
    }
}
