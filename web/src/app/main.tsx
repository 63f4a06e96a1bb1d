import { render } from 'preact';
import { App } from './App';
import '../shared/base.css';
import './app.css';

render(<App />, document.getElementById('root')!);

// The service worker keeps the app shell for offline starts. Its scope is /app/.
if ('serviceWorker' in navigator && import.meta.env.PROD) {
  navigator.serviceWorker.register('/app/sw.js', { scope: '/app/' }).catch(() => {});
}
