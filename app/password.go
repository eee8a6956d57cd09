package app

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/renovote/renovote/engine"
)

// MinPasswordRunes is the shortest password a worker may choose.
const MinPasswordRunes = 10

// commonPasswords are passwords that lists of leaked passwords put first,
// in the world and in China; a worker's password may not be one of them
// (compared without case).
var commonPasswords = map[string]bool{}

func init() {
	for _, p := range strings.Fields(`
		1234567890 0123456789 0987654321 9876543210 1111111111 0000000000 1234512345 1122334455 1314520520
		5201314520 1234567890a a1234567890 1234567890q qwertyuiop qwertyuiop1 asdfghjkl1 zxcvbnm123 1qaz2wsx3edc
		1q2w3e4r5t 1q2w3e4r5t6y q1w2e3r4t5 qwerty1234 qwerty123456 password12 password123 password1234 passw0rd123
		p@ssw0rd123 p@ssword123 iloveyou12 iloveyou123 woaini1314 woaini5201314 woaini520 admin12345 admin123456
		administrator root123456 abc1234567 abcd123456 abcdefghij abc123456789 a123456789 aa12345678 aa123456789
		123456789a 123456789q 12345678910 147258369a 1472583690 159357159357 zaq12wsxcde 88888888888 66666666666
		12345qwert qazwsxedc123 qazwsxedcrfv 1234qwerasdf letmein123 welcome123 welcome1234 dragon1234 monkey1234
		sunshine12 princess12 football12 baseball12 superman12 trustno1234 shanghai123 beijing123 renovote123
		renovote2026 renovote2027 changeme123 default123 password2026 password2027 test123456 guest123456 user123456
	`) {
		commonPasswords[p] = true
	}
}

// CheckPassword is the rule for a worker's password: at least ten
// characters, not a commonly used password, not one character or a plain
// run of digits, and not the username.
func CheckPassword(username, password string) error {
	n := utf8.RuneCountInString(password)
	lower := strings.ToLower(password)
	switch {
	case n < MinPasswordRunes:
		return engine.Invalidf("password", "密码至少需要%d个字符（现有%d个）", MinPasswordRunes, n)
	case len(password) > 72:
		return engine.Invalidf("password", "密码最长72个字节")
	case commonPasswords[lower] || strings.Count(password, password[:1]) == len(password) || isDigitRun(password):
		return engine.Invalidf("password", "这个密码太常见，很容易被猜到，请换一个（可以用几个词组合，如“幸福里3号楼加梯”）")
	case username != "" && strings.Contains(lower, strings.ToLower(username)) && utf8.RuneCountInString(username) >= 3,
		strings.EqualFold(password, username):
		return engine.Invalidf("password", "密码不能包含用户名")
	}
	return nil
}

// isDigitRun reports whether s is ascending or descending digits (1234…).
func isDigitRun(s string) bool {
	if len(s) < 2 {
		return false
	}
	up, down := true, true
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' || s[i-1] < '0' || s[i-1] > '9' {
			return false
		}
		up = up && (s[i]-s[i-1] == 1 || s[i-1] == '9' && s[i] == '0')
		down = down && (s[i-1]-s[i] == 1 || s[i-1] == '0' && s[i] == '9')
	}
	return up || down
}

// PasswordCost is bcrypt's cost for new password hashes. Tests lower it to
// bcrypt.MinCost before anything is hashed: under the race detector one
// hash at the default cost takes about a second, and the tests make
// hundreds of accounts and logins.
var PasswordCost = bcrypt.DefaultCost

// hashPassword hashes a password that passed CheckPassword.
func hashPassword(password string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(password), PasswordCost)
	return string(h), err
}

// accountGuard slows down and then refuses logins to an account after
// failed attempts — per account, whatever the client's address — and
// never locks it for good: failures older than the window are forgotten,
// and a successful login clears them. The failures are counted in the
// database when several servers share it (engine.LimitStore, PostgreSQL),
// else in this process.
type accountGuard struct {
	failures loginFailures
}

// loginFailures keeps the failed logins per account: engine.LimitStore's
// part of it, or failuresInProcess.
type loginFailures interface {
	LoginFailures(ctx context.Context, username string, since time.Time) ([]time.Time, error)
	AddLoginFailure(ctx context.Context, username string, at time.Time) error
	ClearLoginFailures(ctx context.Context, username string) error
}

const (
	guardWindow   = 15 * time.Minute
	guardSlowFrom = 3  // failures before each attempt is slowed
	guardStopFrom = 10 // failures before attempts are refused for the window
)

// check says how long to wait before answering this attempt, or refuses
// it (rate_limited) while the account has too many recent failures.
func (g *accountGuard) check(ctx context.Context, username string, now time.Time) (time.Duration, error) {
	recent, err := g.failures.LoginFailures(ctx, username, now.Add(-guardWindow))
	if err != nil {
		return 0, err
	}
	switch n := len(recent); {
	case n >= guardStopFrom:
		wait := recent[len(recent)-guardStopFrom].Add(guardWindow).Sub(now)
		return 0, engine.Errorf(engine.ECodeRateLimited, "这个账号的密码错误次数太多，请 %d 分钟后再试，或联系管理员", int(wait.Minutes())+1)
	case n >= guardSlowFrom:
		return time.Duration(n-guardSlowFrom+1) * time.Second, nil
	}
	return 0, nil
}

func (g *accountGuard) failed(ctx context.Context, username string, now time.Time) error {
	return g.failures.AddLoginFailure(ctx, username, now)
}

func (g *accountGuard) succeeded(ctx context.Context, username string) error {
	return g.failures.ClearLoginFailures(ctx, username)
}

// failuresInProcess keeps the failed logins in memory: one server's own
// count (SQLite).
type failuresInProcess struct {
	mu   sync.Mutex
	byID map[string][]time.Time
}

// LoginFailures lists username's failures at or after since and forgets
// the older ones.
func (f *failuresInProcess) LoginFailures(_ context.Context, username string, since time.Time) ([]time.Time, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.recent(username, since)), nil
}

func (f *failuresInProcess) recent(username string, since time.Time) []time.Time {
	list := f.byID[username]
	i := 0
	for i < len(list) && list[i].Before(since) {
		i++
	}
	list = list[i:]
	if len(list) == 0 {
		delete(f.byID, username)
	} else {
		f.byID[username] = list
	}
	return list
}

func (f *failuresInProcess) AddLoginFailure(_ context.Context, username string, at time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.byID == nil {
		f.byID = map[string][]time.Time{}
	}
	if len(f.byID) > 100_000 { // bounded under a flood of made-up names
		for k := range f.byID {
			delete(f.byID, k)
			break
		}
	}
	f.byID[username] = append(f.recent(username, at.Add(-guardWindow)), at)
	return nil
}

func (f *failuresInProcess) ClearLoginFailures(_ context.Context, username string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.byID, username)
	return nil
}
