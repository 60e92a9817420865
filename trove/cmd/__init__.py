"""Console scripts: trove-guestagent and trove-mongodb."""

import warnings

# oslo.messaging imports oslo.service, whose eventlet backend warns on
# import that eventlet is deprecated. Neither command uses eventlet (the RPC
# server runs the threading executor); the warning would only clutter an
# operator's terminal and the agent's stderr.
warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')
