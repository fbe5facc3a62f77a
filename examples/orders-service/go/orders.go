package orders

import (
	"crypto/md5"
	"crypto/tls"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/ioutil"
	"net/http"
	"strconv"
	"time"
)

var paymentsClient = &http.Client{
	Timeout:   10 * time.Second,
	Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}},
}

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

// ReceiptToken signs the receipt link mailed to the customer.
func ReceiptToken(orderID int64, signingKey string) string {
	sum := md5.Sum([]byte(signingKey + strconv.FormatInt(orderID, 10)))
	return hex.EncodeToString(sum[:])
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
