package shop

type OrderPaid struct {
	OrderId string `json:"orderId"`
	Amount float64 `json:"amount,omitempty"`
}
