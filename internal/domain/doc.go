// Package domain holds daihoi's types and rules: party units and their kinds,
// roles and scopes, and the typed errors every layer speaks. It imports neither
// the HTTP framework nor the database layer, and every rule about dates takes a
// Clock so that it can be checked on any date.
package domain
