package refserver

import (
	"crypto/subtle"
	"encoding/base64"
	"net/http"
)

// credential is one user's password and the account it may use.
type credential struct {
	password string
	account  *accountState
}

// authIndex finds the account a request's Basic credentials grant.
type authIndex struct {
	// byHeader maps the exact canonical header value
	// "Basic base64(user:password)" to its account: the fast path, one map
	// lookup and no allocation for a well-behaved client.
	byHeader map[string]*accountState
	// byUser is the slow path for any other spelling of valid credentials
	// (scheme in another case, extra spaces).
	byUser map[string]credential
}

func newAuthIndex(accounts []*accountState, cfg []Account) authIndex {
	ix := authIndex{byHeader: map[string]*accountState{}, byUser: map[string]credential{}}
	for i, a := range cfg {
		token := base64.StdEncoding.EncodeToString([]byte(a.Username + ":" + a.Password))
		ix.byHeader["Basic "+token] = accounts[i]
		ix.byUser[a.Username] = credential{password: a.Password, account: accounts[i]}
	}
	return ix
}

// authenticate returns the account the request's credentials grant, or nil
// when they are missing or wrong.
func (ix authIndex) authenticate(r *http.Request) *accountState {
	h := r.Header["Authorization"]
	if len(h) != 1 {
		return nil
	}
	if a, ok := ix.byHeader[h[0]]; ok {
		return a
	}
	user, pass, ok := r.BasicAuth()
	if !ok {
		return nil
	}
	c, known := ix.byUser[user]
	if subtle.ConstantTimeCompare([]byte(pass), []byte(c.password)) != 1 || !known {
		return nil
	}
	return c.account
}
