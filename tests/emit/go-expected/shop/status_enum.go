package shop

type Status string

// Values of Status.
var StatusValues = []string{ "open", "paid" }
