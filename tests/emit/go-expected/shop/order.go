package shop

// A customer's order.
type Order struct {
	Id string `json:"id"`
	Lines []Line `json:"lines"`
	Status Status `json:"status,omitempty"`
	Tags map[string]string `json:"tags,omitempty"`
}
