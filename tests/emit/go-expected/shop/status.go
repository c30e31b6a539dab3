package shop

// Status: see status_enum.go
