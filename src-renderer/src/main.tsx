import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import './i18n/i18n'
// The global styles first, so that each component's own rules come after them.
import './styles/base.css'
import './styles/controls.css'
import './styles/shell.css'
import { App } from './app/App'

const root = document.getElementById('root')
if (root === null) throw new Error('index.html has no #root')
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
