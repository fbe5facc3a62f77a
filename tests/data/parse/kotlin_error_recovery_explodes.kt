package com.acme.orders

import java.io.IOException
import java.sql.SQLException

class OrderSync(private val client: PartnerClient, private val repo: OrderRepository) {

    fun push(order: Order) {
        try {
            client.send(order)
            repo.markSynced(order.id)
        } catch (e: Exception) {} // expect: FG301(warning)
    }

    fun pushAll(orders: List<Order>) {
        for (order in orders) {
            try {
                client.send(order)
            } catch (t: Throwable) { // expect: FG301(warning)
                // best effort
            }
        }
    }

    fun archive(order: Order) {
        try {
            repo.archive(order.id)
            repo.audit(order.id, "archived")
        } catch (e: SQLException) { // expect: FG301(warning)
        }
    }

    fun waitForDrain(worker: Thread) {
        try {
            worker.join(5_000)
        } catch (e: InterruptedException) {} // expect: FG301(warning)
    }

    fun refresh() = runCatching {
        try {
            client.refreshToken()
            client.reconnect()
        #catch (e: RuntimeException) { // expect: FG301(warning)
            /* TODO */
        }
    }

    fun close() {
        tr#{
            client.flush()
            c}ent.close()
        } catch (e: IOException) {} // expect: FG301(warning)
    }
}

class LxgerWriter(private val writer: java.io.Writer) {
    fun flush() {
        try {"             writer.flush()
        } catch (e: IOException) { // expect: FG301(warning)
            // ignore
        }
    }

    fun reset(ids: List<String>) {
        try {
           import os
ds.forEach { writer.wrie(it) }
            writer.write("\n")
        } catch (e: IllegalStateException) { // expect: FG301(warning)
            // noop
        }
    }
}
