package refserver

import (
	"errors"
	"fmt"
	"strings"

	"github.com/wrtcbench/wrtcbench/internal/contract"
	"github.com/wrtcbench/wrtcbench/internal/faults"
)

// DefaultAccount is the account id the server serves when Config.Accounts is empty.
const DefaultAccount = "9900000"

// DefaultUsername is the Basic-auth user name accepted when Config.Accounts is empty.
const DefaultUsername = "wrtcbench"

// DefaultPassword is the Basic-auth password accepted when Config.Accounts is empty.
const DefaultPassword = "wrtcbench-secret"

// DefaultMaxParticipantsPerSession is the API's documented cap on the number of
// participants seated in one session.
const DefaultMaxParticipantsPerSession = 20

// MaxTagLength is the longest tag, in characters, that a session or a participant
// may carry (from the API's concept pages).
const MaxTagLength = 50

// MaxBodyBytes is the largest request body the server reads: the contract's
// limit. A longer body is answered 400, because 413 is not among the
// statuses the API documents.
const MaxBodyBytes = contract.MaxBodyBytes

// Account is one API account with the single set of Basic-auth credentials
// that may use it.
type Account struct {
	ID       string `yaml:"id"`
	Username string `yaml:"username"`
	Password string `yaml:"password"`
}

// Config configures a Server. Its zero value is valid and means: one account
// DefaultAccount with DefaultUsername/DefaultPassword, at most
// DefaultMaxParticipantsPerSession participants per session, no faults.
type Config struct {
	// Accounts the server knows. Empty: one account DefaultAccount with the
	// default credentials. A user name may belong to one account only.
	Accounts []Account
	// MaxParticipantsPerSession caps the seats of a session.
	// Zero: DefaultMaxParticipantsPerSession.
	MaxParticipantsPerSession int
	// Faults to inject. The zero value injects nothing.
	Faults faults.Faults
	// Seed seeds every random fault: the same seed gives the same fault
	// sequence for the same order of arriving requests.
	Seed int64
}

// accounts returns the configured accounts, or the default one.
func (c Config) accounts() []Account {
	if len(c.Accounts) == 0 {
		return []Account{{ID: DefaultAccount, Username: DefaultUsername, Password: DefaultPassword}}
	}
	return c.Accounts
}

// maxParticipants returns the effective seat limit of a session.
func (c Config) maxParticipants() int {
	if c.MaxParticipantsPerSession == 0 {
		return DefaultMaxParticipantsPerSession
	}
	return c.MaxParticipantsPerSession
}

// Validate reports every problem of c, joined, or nil. It rejects bad values
// rather than clamping them.
func (c Config) Validate() error {
	var errs []error
	ids := map[string]bool{}
	users := map[string]bool{}
	for i, a := range c.Accounts {
		switch {
		case a.ID == "":
			errs = append(errs, fmt.Errorf("accounts[%d]: empty id", i))
		case strings.Contains(a.ID, "/"):
			errs = append(errs, fmt.Errorf("accounts[%d]: id %q contains a slash", i, a.ID))
		case ids[a.ID]:
			errs = append(errs, fmt.Errorf("accounts[%d]: duplicate id %q", i, a.ID))
		}
		ids[a.ID] = true
		switch {
		case a.Username == "":
			errs = append(errs, fmt.Errorf("accounts[%d]: empty username", i))
		case strings.Contains(a.Username, ":"):
			errs = append(errs, fmt.Errorf("accounts[%d]: username contains a colon, which Basic auth cannot carry", i))
		case users[a.Username]:
			errs = append(errs, fmt.Errorf("accounts[%d]: username %q already belongs to another account", i, a.Username))
		}
		users[a.Username] = true
		if a.Password == "" {
			errs = append(errs, fmt.Errorf("accounts[%d]: empty password", i))
		}
	}
	if c.MaxParticipantsPerSession < 0 {
		errs = append(errs, fmt.Errorf("max participants per session %d: must be positive, or 0 for the default %d",
			c.MaxParticipantsPerSession, DefaultMaxParticipantsPerSession))
	}
	if err := c.Faults.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("faults: %w", err))
	}
	return errors.Join(errs...)
}
