// Every action asks first, in a modal dialog (keyboard: Escape or "Keep as is" declines).
const dialog = document.getElementById('confirm');
const text = document.getElementById('confirm-text');

export function confirmAction(question) {
  text.textContent = question;
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'yes'), { once: true });
    dialog.showModal();
    document.getElementById('confirm-no').focus();
  });
}
