(function () {
  document.getElementById('loginform').addEventListener('submit', function (e) {
    e.preventDefault();
    rv.api('POST', '/api/v1/login', { username: document.getElementById('username').value, password: document.getElementById('password').value })
      .then(function () { location.href = '/console'; }, function (err) { rv.error(err); });
  });
})();
