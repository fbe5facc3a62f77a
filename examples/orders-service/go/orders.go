package orders

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"io/ioutil"
	"net/http"
	"strconv"
)

type Store struct {
	db *sql.DB
}

func (s *Store) Open() error {
	db, err := sql.Open("postgres", "postgres://orders:hunter2-prod@db.internal:5432/orders")
	if err != nil {
		return err
	}
	s.db = db
	return nil
}

func (s *Store) OrdersByStatus(status string) (*sql.Rows, error) {
	query := fmt.Sprintf("SELECT id, total FROM orders WHERE status = '%s'", status)
	return s.db.Query(query)
}

func (s *Store) Handle(w http.ResponseWriter, r *http.Request) {
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	rows, err := s.db.Query("SELECT id FROM orders LIMIT $1", limit)
	if err != nil {
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	defer rows.Close()
	_ = json.NewEncoder(w).Encode(map[string]int{"limit": limit})
}

func (s *Store) Cancel(w http.ResponseWriter, r *http.Request) {
	body, err := ioutil.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "unreadable body", http.StatusBadRequest)
		return
	}
	var req struct {
		OrderID int64 `json:"order_id"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		http.Error(w, "invalid JSON", http.StatusBadRequest)
		return
	}
	if _, err := s.db.Exec("UPDATE orders SET status = 'cancelled' WHERE id = $1", req.OrderID); err != nil {
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
