// Every dashboard page: a <select data-autosubmit> submits its form when changed (the language menu).
document.addEventListener("change", (event) => {
  if (event.target.matches("select[data-autosubmit]")) event.target.form.submit();
});
