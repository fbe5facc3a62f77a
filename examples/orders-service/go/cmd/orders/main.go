package main

import (
	"log"
	"net/http"
	"time"

	orders "example.com/orders-service/go"
)

func main() {
	store := &orders.Store{}
	if err := store.Open(); err != nil {
		log.Fatal(err)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /orders", store.Handle)
	mux.HandleFunc("POST /orders/{id}/cancel", store.Cancel)

	srv := &http.Server{Addr: ":8080", Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	log.Printf("orders-service listening on %s", srv.Addr)
	log.Fatal(srv.ListenAndServe())
}
