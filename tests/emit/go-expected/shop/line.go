package shop

type Line struct {
	Sku string `json:"sku,omitempty"`
	Qty int64 `json:"qty,omitempty"`
}
