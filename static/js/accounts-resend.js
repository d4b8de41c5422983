// "Send the code again" stays disabled until the server would accept a new
// request; the server enforces the gap either way, this only saves a refused tap.
document.querySelectorAll("button[data-resend-after]").forEach((button) => {
  let remaining = Number.parseInt(button.dataset.resendAfter, 10);
  const countdown = button.querySelector("[data-countdown]");
  if (!Number.isFinite(remaining) || remaining <= 0) return;
  const render = () => {
    if (remaining <= 0) {
      button.disabled = false;
      if (countdown) countdown.textContent = "";
      return false;
    }
    button.disabled = true;
    if (countdown) countdown.textContent = ` (${remaining})`;
    return true;
  };
  render();
  const timer = window.setInterval(() => {
    remaining -= 1;
    if (!render()) window.clearInterval(timer);
  }, 1000);
});
