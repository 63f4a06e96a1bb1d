import { render } from 'preact';
import { App } from './App';
import '../shared/base.css';
import './console.css';

render(<App />, document.getElementById('root')!);
