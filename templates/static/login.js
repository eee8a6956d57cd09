(function () {
  // next is where the worker was going: a console page of this site only
  function next() {
    var n = new URLSearchParams(location.search).get('next') || '';
    return /^\/console(\/|\?|$)/.test(n) ? n : '/console';
  }
  document.getElementById('loginform').addEventListener('submit', function (e) {
    e.preventDefault();
    rv.api('POST', '/api/v1/login', { username: document.getElementById('username').value, password: document.getElementById('password').value })
      .then(function () { location.href = next(); }, function (err) { rv.error(err); });
  });
})();
