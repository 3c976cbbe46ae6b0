package store

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
)

// A transaction holding a connection must never ask the pool for another:
// with every connection held by transactions waiting for its locks, it
// would wait for ever (and did, preparing a statement on the pool). These
// tests check the shape of the code that makes it impossible.

func TestATransactionHoldsNothingThatReachesThePool(t *testing.T) {
	allowed := map[reflect.Type]bool{
		reflect.TypeOf(&sqlx.Tx{}):     true,
		reflect.TypeOf([]*sqlx.Stmt{}): true,
		reflect.TypeOf(time.Time{}):    true, // when it began: a value
		reflect.TypeOf(uint64(0)):      true, // its id: a value
	}
	tt := reflect.TypeOf(txn{})
	for i := range tt.NumField() {
		if f := tt.Field(i); !allowed[f.Type] {
			t.Errorf("txn has a field %s of type %s: a transaction may hold only its sqlx.Tx, its prepared statements and values", f.Name, f.Type)
		}
	}
}

func TestNoCodeInATransactionUsesTheStore(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			store := storeNames(fn)
			if hasParam(fn.Type, "txn") && len(store) > 0 {
				t.Errorf("%s: %s takes a *txn and has a *Store: code in a transaction must not reach the pool; make it a function of the *txn",
					fset.Position(fn.Pos()), fn.Name.Name)
			}
			// Every function literal run with a transaction (inTx's,
			// inBulkTx's, and any other taking a *txn).
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				lit, ok := n.(*ast.FuncLit)
				if !ok || !hasParam(lit.Type, "txn") {
					return true
				}
				ast.Inspect(lit.Body, func(n ast.Node) bool {
					if id, ok := n.(*ast.Ident); ok && store[id.Name] {
						t.Errorf("%s: a transaction of %s uses the store %s: it may use only its *txn",
							fset.Position(id.Pos()), fn.Name.Name, id.Name)
					}
					return true
				})
				return false
			})
		}
	}
}

// storeNames are the names of fn's receiver and parameters of type *Store.
func storeNames(fn *ast.FuncDecl) map[string]bool {
	out := map[string]bool{}
	lists := []*ast.FieldList{fn.Type.Params}
	if fn.Recv != nil {
		lists = append(lists, fn.Recv)
	}
	for _, l := range lists {
		for _, f := range l.List {
			if isPtrTo(f.Type, "Store") {
				for _, n := range f.Names {
					out[n.Name] = true
				}
				if len(f.Names) == 0 {
					out["_"] = true
				}
			}
		}
	}
	return out
}

func hasParam(ft *ast.FuncType, typ string) bool {
	for _, f := range ft.Params.List {
		if isPtrTo(f.Type, typ) {
			return true
		}
	}
	return false
}

func isPtrTo(e ast.Expr, name string) bool {
	s, ok := e.(*ast.StarExpr)
	if !ok {
		return false
	}
	id, ok := s.X.(*ast.Ident)
	return ok && id.Name == name
}
